using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.State;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.State;

public sealed class RecordingLauncherSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_state_file_names_the_running_server_with_its_start_time_and_command_and_is_removed_once_it_is_stopped()
    {
        using var dir = new TempDirectory();
        var file = new ServerStateFile(dir.Path);
        var table = new LinuxProcessTable();
        await using var sup = new RealSupervisor(["--spawn-helper"], decorate: inner => new RecordingLauncher(inner, file, table, TimeProvider.System));
        sup.Run();
        var running = await sup.WaitFor(s => s.State == SupervisorState.Running);

        var record = file.Read(out var problem);
        problem.Should().BeNull();
        record!.Pid.Should().Be(running.Pid!.Value);
        record.GroupId.Should().Be(running.Pid!.Value);
        record.DaemonPid.Should().Be(Environment.ProcessId);
        record.Matches(table.Identify(record.Pid)!).Should().BeTrue("the live server is the one recorded");

        await sup.StopAsync();

        File.Exists(file.Path).Should().BeFalse("a server stopped by its daemon leaves nothing to reclaim");
    }
}
