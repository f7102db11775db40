using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FluentAssertions;
using MlxSupervisor.Daemon;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>The front door as the daemon wires it: mlx-supervisor with the simulated server.</summary>
public sealed class FrontDoorDaemonSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly int _serverPort = FreePort.Next();
    private readonly int _listenPort = FreePort.Next();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_daemon_serves_clients_on_Proxy_Listen_and_forwards_them_to_the_server()
    {
        await using var daemon = new DaemonProcess(["--config", Settings(proxyEnabled: true)]);
        var server = PidFrom(await daemon.WaitForLine("Started pid="));
        await daemon.WaitForLine("healthy after");
        using var client = RealFrontDoor.NewClient(new Uri($"http://127.0.0.1:{Port(_listenPort)}"));

        var outcome = await ChatStream.Start(client).Outcome.WaitAsync(Timeouts.Wait);

        outcome.Done.Should().BeTrue(outcome + "\n" + daemon.Dump());
        daemon.Stdout.Should().Contain(l => l.Contains($"Front door listening on http://127.0.0.1:{Port(_listenPort)}", StringComparison.Ordinal));
        await StopAsync(daemon, server);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task With_the_front_door_disabled_the_daemon_listens_on_no_port_of_its_own()
    {
        await using var daemon = new DaemonProcess(["--config", Settings(proxyEnabled: false)]);
        var server = PidFrom(await daemon.WaitForLine("Started pid="));
        await daemon.WaitForLine("healthy after");

        var connect = async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, _listenPort);
        };

        (await connect.Should().ThrowAsync<SocketException>()).Which.SocketErrorCode.Should().Be(SocketError.ConnectionRefused);
        daemon.Stdout.Should().NotContain(l => l.Contains("Front door", StringComparison.Ordinal));
        await StopAsync(daemon, server);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_daemon_whose_front_door_port_is_taken_says_so_in_one_line_and_exits_69_before_starting_the_server()
    {
        using var holder = new TcpListener(IPAddress.Loopback, _listenPort);
        holder.Start();

        await using var daemon = new DaemonProcess(["--config", Settings(proxyEnabled: true)]);
        var exitCode = await daemon.WaitForExit(Timeouts.Wait);

        exitCode.Should().Be(ExitCodes.CannotListen, daemon.Dump());
        daemon.Stdout.Should().ContainSingle(l => l.Contains($"Cannot listen on http://127.0.0.1:{Port(_listenPort)}", StringComparison.Ordinal));
        daemon.Stdout.Concat(daemon.Stderr).Should().NotContain(l => l.Contains("   at ", StringComparison.Ordinal), "no stack trace");
        daemon.Stdout.Should().NotContain(l => l.Contains("Started pid=", StringComparison.Ordinal), "nothing is spawned when clients could not reach it");
    }

    /// <summary>Stops the daemon as a service manager would and checks that its server went with it.</summary>
    private static async Task StopAsync(DaemonProcess daemon, int server)
    {
        daemon.Signal(Signals.SIGTERM);
        (await daemon.WaitForExit(Timeouts.Wait)).Should().Be(0, daemon.Dump());
        ProcessAssert.LiveGroupMembers(server).Should().BeEmpty();
    }

    private static int PidFrom(string startedLine) =>
        int.Parse(startedLine[(startedLine.IndexOf("pid=", StringComparison.Ordinal) + 4)..].Split(' ')[0], CultureInfo.InvariantCulture);

    private string Settings(bool proxyEnabled) => _dir.File("settings.json", $$"""
        {
          "Supervisor": {
            "Server": { "Command": "{{Repo.SimServer}}", "Arguments": [ "--port", "{{Port(_serverPort)}}" ] },
            "Health": { "Url": "http://127.0.0.1:{{Port(_serverPort)}}/health", "Interval": "00:00:00.200", "Timeout": "00:00:00.150",
                        "StartupProbeInterval": "00:00:00.020", "StartupTimeout": "00:00:20" },
            "Shutdown": { "GracePeriod": "00:00:02" },
            "Proxy": { "Enabled": {{(proxyEnabled ? "true" : "false")}}, "Listen": "http://127.0.0.1:{{Port(_listenPort)}}" }
          }
        }
        """);

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
