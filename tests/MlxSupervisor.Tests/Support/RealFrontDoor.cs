using System.Globalization;
using System.Net.Http.Json;
using FluentAssertions;
using MlxSupervisor.Configuration;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// The front door in front of a <see cref="RealSupervisor"/> of the simulated server, both on loopback with
/// millisecond-scale settings. Disposing it stops both and fails the test if a process is left.
/// </summary>
public sealed class RealFrontDoor : IAsyncDisposable
{
    public RealFrontDoor(IEnumerable<string> simArguments, Action<SupervisorOptions>? configure = null)
    {
        Stats = new FrontDoorStatistics(TimeProvider.System);
        Supervisor = new RealSupervisor(simArguments, o =>
        {
            o.Proxy.Listen = $"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}";
            o.Proxy.QueueTimeout = TimeSpan.FromSeconds(30);
            o.Proxy.StallTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(o);
        }, Stats);
        Server = new FrontDoorServer(Supervisor.Options, LoneUnit.Fleet(Supervisor.Options, Supervisor.Supervisor, Stats, TimeProvider.System),
            TimeProvider.System, Supervisor.Loggers);
        Client = NewClient(Server.Address);
        Direct = NewClient(new Uri($"http://127.0.0.1:{Supervisor.Port.ToString(CultureInfo.InvariantCulture)}"));
    }

    public RealSupervisor Supervisor { get; }

    public FrontDoorServer Server { get; }

    public FrontDoorStatistics Stats { get; }

    /// <summary>A client of the front door.</summary>
    public HttpClient Client { get; }

    /// <summary>A client of the server's own port, around the front door.</summary>
    public HttpClient Direct { get; }

    public SupervisorSnapshot Current => Supervisor.Supervisor.Status.Current;

    public static HttpClient NewClient(Uri address) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Opens the front door and starts the supervisor.</summary>
    /// <param name="untilRunning">Return once the server is healthy.</param>
    public async Task StartAsync(bool untilRunning = true)
    {
        (await Server.TryListenAsync(CancellationToken.None)).Should().BeTrue(Supervisor.Logs.Dump());
        Supervisor.Run();
        if (untilRunning)
            await Supervisor.WaitFor(s => s.State == SupervisorState.Running);
    }

    /// <summary>What reached the server, asked of the server itself.</summary>
    public async Task<SimStats> SimStatsAsync() => (await Direct.GetFromJsonAsync<SimStats>("/sim/stats"))!;

    /// <summary>Waits, bounded, until the front door's figures satisfy <paramref name="condition"/>.</summary>
    public async Task<FrontDoorSnapshot> FiguresUntil(Func<FrontDoorSnapshot, bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (true)
        {
            var figures = Stats.Snapshot();
            if (condition(figures))
                return figures;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The front door's figures never got there; they are {figures}\n{Supervisor.Logs.Dump()}");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Direct.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
        await Supervisor.DisposeAsync();
        Stats.Dispose();
    }
}

/// <summary>The simulated server's <c>/sim/stats</c>.</summary>
public sealed record SimStats(int InFlight, long TotalRequests, int MaxInFlight, int Pid);
