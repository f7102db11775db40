using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Fleet;
using MlxSupervisor.Status;

namespace MlxSupervisor.Notify;

/// <summary>
/// Runs the Notify hook for each event worth telling, of every server of the fleet (those a reload adds too), one at a
/// time, off the supervision path: each supervisor only drops the event into one bounded queue. If hooks fall behind,
/// the oldest waiting events are dropped, so the latest news (a circuit opening after a string of restarts) still gets out.
/// </summary>
public sealed partial class EventHooks : BackgroundService
{
    private const int QueueCapacity = 32;

    private readonly HookRunner _runner;
    private readonly ILogger _logger;
    private readonly Channel<HookEvent> _queue;
    private readonly EveryUnit _units;

    public EventHooks(NotifyOptions options, ServerFleet fleet, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _logger = loggerFactory.CreateLogger("MlxSupervisor.Notify");
        _runner = new HookRunner(options, time, _logger);
        _queue = Channel.CreateBounded<HookEvent>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => Log.Dropped(_logger, dropped.Event, dropped.Server, dropped.At));

        // Subscribed here, not in ExecuteAsync, so no event between the supervisors' start and this one's is missed.
        _units = new EveryUnit(fleet, Attach);
    }

    public override void Dispose()
    {
        _units.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
                await _runner.RunAsync(e, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private EveryUnit.Detach Attach(ServerUnit unit)
    {
        void OnEvent(Supervision.SupervisorEvent e)
        {
            if (HookEventSource.Observe(unit.Name, e, unit.Status.Current) is { } hook)
                _queue.Writer.TryWrite(hook);
        }
        unit.Status.EventRecorded += OnEvent;
        return new EveryUnit.Detach(() => unit.Status.EventRecorded -= OnEvent);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 606, EventName = "HookEventDropped", Level = LogLevel.Warning,
            Message = "Notify hook for {Event} of server {Server} at {At:O} dropped: hooks are running behind")]
        public static partial void Dropped(ILogger logger, string @event, string server, DateTimeOffset at);
    }
}
