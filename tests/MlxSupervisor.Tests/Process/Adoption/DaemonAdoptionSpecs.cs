using System.Globalization;
using FluentAssertions;
using MlxSupervisor.State;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process.Adoption;

/// <summary>The real daemon, as its users run it, started after a server they started by hand (issue 12, item 7).</summary>
public sealed class DaemonAdoptionSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_adopts_a_server_started_by_hand_and_spawns_its_own_once_that_one_dies()
    {
        using var dir = new TempDirectory();
        var tag = Guid.NewGuid().ToString("N");
        var port = FreePort.Next();
        var state = Path.Combine(dir.Path, "state");
        var config = DaemonRun.WriteConfig(dir, port, state, []);
        try
        {
            await using var hand = new HandStartedServer(["--port", port.ToString(CultureInfo.InvariantCulture)],
                new Dictionary<string, string> { [DaemonRun.TagVariable] = tag });
            await hand.Listening;
            await using var daemon = DaemonRun.Start(config, Path.Combine(dir.Path, "logs"), tag);

            await daemon.WaitForLine($"Server pid={hand.Pid} (");
            DaemonProcess.PidIn(await daemon.WaitForLine("adopted, and supervised from now on")).Should().Be(hand.Pid, daemon.Dump());
            File.Exists(Path.Combine(state, ServerStateFile.FileName)).Should().BeFalse("an adopted server is not recorded");

            var seen = daemon.Lines.Count;
            hand.Kill();
            var own = DaemonProcess.PidIn(await daemon.WaitForLine("healthy after", skip: seen));

            own.Should().NotBe(hand.Pid);
            new ServerStateFile(state).Read(out _)!.Pid.Should().Be(own, "the daemon's own server is recorded");
        }
        finally
        {
            DaemonRun.KillTagged(tag).Should().BeEmpty("no process may outlive the test");
        }
    }
}
