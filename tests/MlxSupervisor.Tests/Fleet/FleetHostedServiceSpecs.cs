using FluentAssertions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Fleet;

public sealed class FleetHostedServiceSpecs
{
    private sealed class BrokenLauncher : IServerLauncher
    {
        public Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken) => throw new InvalidOperationException("a bug in the daemon");
    }

    private sealed class RecordingLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public bool StopRequested { get; private set; }

        public void StopApplication() => StopRequested = true;
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_supervisor_that_fails_stops_the_host_with_a_non_zero_exit_code_so_launchd_restarts_the_daemon()
    {
        await using var h = new SupervisorHarness();
        using var state = new TempDirectory();
        h.Options.Servers = [FleetSettings.Single(h.Options)];
        var supervisor = new ServerSupervisor(() => h.Options, new BrokenLauncher(), h.Probe, h.Generation, h.Time, NullLogger.Instance);
        var unit = new ServerUnit(ServerSettings.DefaultName, () => h.Options.Servers[0], supervisor,
            new ServerMemoryGuard(supervisor, new LinuxServerMemoryReader(new LinuxProcessTable()), () => h.Options, h.Time, NullLogger.Instance),
            new FrontDoorStatistics(h.Time), new PreviousServerReclaimer(new ServerStateFile(state.Path), new LinuxProcessTable(), h.Time, NullLogger.Instance), h.Time);
        var fleet = new ServerFleet(_ => unit, new LiveSupervisorOptions(h.Options), NullLogger.Instance);
        var lifetime = new RecordingLifetime();
        using var service = new FleetHostedService(fleet, lifetime, NullLogger<FleetHostedService>.Instance);
        var before = Environment.ExitCode;
        try
        {
            await service.StartAsync(CancellationToken.None);
            await service.ExecuteTask!.WaitAsync(Timeouts.Wait);

            Environment.ExitCode.Should().Be(70);
            lifetime.StopRequested.Should().BeTrue();
            supervisor.Status.Current.State.Should().Be(SupervisorState.Stopped);
        }
        finally
        {
            // The exit code is process-wide: give the test host its own back.
            Environment.ExitCode = before;
        }
    }
}
