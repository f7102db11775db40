using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Memory;

/// <summary>The Linux reader and the guard on the real simulated server, which really allocates.</summary>
public sealed class MemoryGuardProcessSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_Linux_reader_sees_the_servers_allocation_and_its_helper()
    {
        await using var sup = new RealSupervisor(["--spawn-helper", "--allocate-mb", "300", "--allocate-after-ms", "300"]);
        sup.Run();
        var running = await sup.WaitFor(s => s.State == SupervisorState.Running);
        await sup.ServerLog.WaitFor("sim: allocated 300 MB");
        var reader = new LinuxServerMemoryReader(new LinuxProcessTable());

        var memory = reader.ReadServer(running.Pid!.Value)!.Value;

        memory.Processes.Should().Be(2, "the server and its helper");
        memory.Bytes.Should().BeGreaterThan(300L << 20);
        reader.ReadAvailableSystemMemory().Should().BeGreaterThan(0);
        reader.ReadServer(int.MaxValue).Should().BeNull("a pid that does not exist has no memory");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_server_that_allocates_past_a_small_limit_is_restarted_with_reason_memory()
    {
        await using var sup = new RealSupervisor(["--allocate-mb", "400", "--allocate-after-ms", "200"], o =>
        {
            o.Memory.MaxServerMemory = "300MB";
            o.Memory.Interval = TimeSpan.FromMilliseconds(100);
            o.Memory.Samples = 3;
            o.Restart.ResetAfter = TimeSpan.FromSeconds(30);
        });
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(sup.Logs));
        var guard = new ServerMemoryGuard(sup.Supervisor, new LinuxServerMemoryReader(new LinuxProcessTable()), () => sup.Options,
            TimeProvider.System, loggerFactory.CreateLogger("memory"));
        using var stopGuard = new CancellationTokenSource();
        sup.Run();
        var guarding = guard.RunAsync(stopGuard.Token);

        var restarted = await sup.WaitFor(s => s.LastExit is not null, TimeSpan.FromSeconds(40));
        await stopGuard.CancelAsync();
        await guarding;

        restarted.LastExit!.Reason.Should().StartWith("memory: ").And.Contain("above the limit of 300 MB for 3 samples");
        sup.ServerLog.Contains("sim: got SIGTERM, stopping").Should().BeTrue("the restart is graceful");
    }
}
