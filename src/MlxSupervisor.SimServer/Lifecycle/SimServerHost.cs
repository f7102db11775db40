using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MlxSupervisor.SimServer.Faults;
using MlxSupervisor.SimServer.Generation;
using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Lifecycle;

/// <summary>One run of the simulated server: load, listen, misbehave as asked, stop on a signal.</summary>
internal sealed class SimServerHost(SimOptions options, SimConsole console, TimeProvider time)
{
    // Long enough for idle connections to close cleanly, short enough that SIGTERM still feels immediate
    // even with a hung /health or a stalled stream holding a connection open.
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(50);

    /// <returns>The process exit code.</returns>
    public async Task<int> RunAsync()
    {
        // Signals first: a SIGTERM during the slow "model load" must already be handled.
        using var signals = new ShutdownSignals(options.IgnoreSigterm, "sim:", console);
        if (options.SpawnHelper)
            new HelperProcess(options.HelperIgnoresSigterm, console).Start();

        if (!await StartupDelayAsync(signals.Stopping))
            return 0;

        var clock = new SimClock(time);
        var tracker = new InFlightTracker();
        var generation = new GenerationThread(options, console, time);
        await using var app = SimWebApp.Build(options, clock, tracker, generation, console);
        try
        {
            await app.StartAsync(signals.Stopping);
        }
        catch (IOException e)
        {
            // Kestrel's message already names the address and the reason ("address already in use").
            console.Error($"sim: cannot listen: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (signals.Stopping.IsCancellationRequested)
        {
            return 0;
        }

        clock.MarkListening();
        console.WriteLine($"sim: listening on {ListeningAddress(app)} pid={Environment.ProcessId}");
        // As in mlx_lm.server 0.31.3 and later, the model loads after the port has opened.
        _ = IgnoreStopping(generation.LoadAsync(signals.Stopping));
        StartFaults(signals.Stopping);

        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, signals.Stopping);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM or SIGINT.
        }

        using var grace = new CancellationTokenSource(ShutdownGrace);
        await app.StopAsync(grace.Token);
        return 0;
    }

    private async Task<bool> StartupDelayAsync(CancellationToken stopping)
    {
        if (options.StartupDelayMs <= 0)
            return true;
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(options.StartupDelayMs), time, stopping);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // The faults run in the background for the rest of the process's life; they end when it stops.
    private void StartFaults(CancellationToken stopping)
    {
        var flood = Task.Run(new StdoutFlood(options.FloodLines, console, time).Run, stopping);
        _ = IgnoreStopping(new CrashTimer(options, console, time).RunAsync(flood, stopping));
        _ = IgnoreStopping(new MemoryBallast(options, console, time).RunAsync(stopping));
        _ = IgnoreStopping(new Heartbeat(options.StdoutLineEveryMs, console, time).RunAsync(stopping));
    }

    private static async Task IgnoreStopping(Task fault)
    {
        try
        {
            await fault;
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    // With --port 0 the OS picks the port; the tests learn it from this line.
    private static string ListeningAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? "unknown";
}
