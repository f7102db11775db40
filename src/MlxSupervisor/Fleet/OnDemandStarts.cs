using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Ledger;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Fleet;

/// <summary>
/// Starts an OnDemand server for the request that asks for one of its models, within the memory budget: when there is
/// not room, idle OnDemand servers are stopped for it, least recently used first and each only after MinResidency; a
/// server with requests in flight, or an AtBoot one, never is. Starts that wait for room are served first in, first
/// out; a request for a server that is already up never waits behind them.
/// </summary>
/// <remarks>
/// The decision is <see cref="RoomPolicy"/>'s, a pure function of the ledger's entries; this only carries it out, then
/// decides again, because stopping a server or a request ending changes the picture. The start itself is the unit's:
/// <see cref="ServerSupervisor.RequestStart"/>, the one place a server is started, as llama-swap's EnsureReady is.
/// </remarks>
public sealed partial class OnDemandStarts
{
    /// <summary>How often a start waiting for room looks again, besides each time a server's state changes.</summary>
    private static readonly TimeSpan LookAgain = TimeSpan.FromMilliseconds(50);

    private readonly Func<IReadOnlyList<ServerUnit>> _units;
    private readonly MemoryLedger _ledger;
    private readonly Func<SupervisorOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FifoGate _swaps = new();

    public OnDemandStarts(Func<IReadOnlyList<ServerUnit>> units, MemoryLedger ledger, Func<SupervisorOptions> options, TimeProvider time, ILogger logger)
    {
        _units = units;
        _ledger = ledger;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when a request for <paramref name="unit"/>'s models must first start it.</summary>
    public static bool NeedsStart(ServerUnit unit) => unit.Supervisor.HeldFor?.StartsOnDemand == true;

    /// <param name="byOperator">An operator's start: a server held for any reason is started, through the budget as any other.</param>
    /// <returns>Null once the server is starting (or was already up); otherwise why it cannot start, with the figures.</returns>
    public async Task<string?> EnsureStartedAsync(ServerUnit unit, CancellationToken cancellationToken, bool byOperator = false)
    {
        bool Held() => byOperator ? unit.Supervisor.HeldFor is not null : NeedsStart(unit);
        if (!Held())
            return null;
        using var turn = await _swaps.EnterAsync(cancellationToken);
        while (Held())
        {
            var decision = RoomPolicy.Decide(_ledger.Budget, _ledger.Entries(_units()), unit.Name, _time.GetUtcNow(), _options().Fleet.MinResidency);
            switch (decision)
            {
                case RoomDecision.Fits:
                    Log.Starting(_logger, unit.Name, unit.Supervisor.HeldFor?.Reason ?? "");
                    unit.Supervisor.RequestStart();
                    return null;
                case RoomDecision.Evict evict:
                    await StopForRoomAsync(unit, evict.Victims, cancellationToken);
                    break;
                case RoomDecision.Wait wait:
                    Log.Waiting(_logger, unit.Name, wait.Reason);
                    await LookAgainAsync(wait.Until, cancellationToken);
                    break;
                case RoomDecision.NoRoom none:
                    Log.NoRoom(_logger, unit.Name, none.Message);
                    return none.Message;
            }
        }
        return null;
    }

    /// <summary>Stops the victims and waits until their processes are gone: two copies of a model are never in memory at once.</summary>
    private async Task StopForRoomAsync(ServerUnit candidate, IReadOnlyList<string> victims, CancellationToken cancellationToken)
    {
        var units = _units();
        var stopping = new List<Task>();
        foreach (var name in victims)
        {
            if (units.FirstOrDefault(u => u.Name == name) is not { } victim)
                continue;
            var reason = $"stopped to make room for {candidate.Name} in Fleet:MemoryBudget";
            Log.Evicting(_logger, victim.Name, candidate.Name);
            victim.Supervisor.RequestStop(new StopReason(StopKind.ForRoom, reason));
            stopping.Add(victim.Status.WaitForAsync(s => s.State == SupervisorState.Stopped && s.Pid is null, cancellationToken));
        }
        await Task.WhenAll(stopping);
    }

    private async Task LookAgainAsync(DateTimeOffset? until, CancellationToken cancellationToken)
    {
        var wait = LookAgain;
        if (until is { } at && at - _time.GetUtcNow() is var left && left < wait)
            wait = left > TimeSpan.Zero ? left : TimeSpan.Zero;
        await Task.Delay(wait, _time, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 150, EventName = "OnDemandStart", Level = LogLevel.Information,
            Message = "Starting server {Name} for a request for one of its models ({Was})")]
        public static partial void Starting(ILogger logger, string name, string was);

        [LoggerMessage(EventId = 151, EventName = "StoppingForRoom", Level = LogLevel.Information,
            Message = "Stopping idle server {Victim} to make room for {Name} in Fleet:MemoryBudget")]
        public static partial void Evicting(ILogger logger, string victim, string name);

        [LoggerMessage(EventId = 152, EventName = "WaitingForRoom", Level = LogLevel.Debug, Message = "Server {Name} waits for room: {Why}")]
        public static partial void Waiting(ILogger logger, string name, string why);

        [LoggerMessage(EventId = 153, EventName = "NoRoom", Level = LogLevel.Warning, Message = "Server {Name} cannot start: {Why}")]
        public static partial void NoRoom(ILogger logger, string name, string why);
    }
}
