using System.Text.Json;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Notify;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Notify;

/// <summary>
/// The Notify hook, run for real through /bin/sh, for every server of a fleet of real simulated servers (issue 13:
/// "Hooks get MLXSUP_SERVER").
/// </summary>
public sealed class FleetHookSpecs : IDisposable
{
    // Written aside and renamed, so the test never reads a half-written file; one pair of files per server and event.
    private const string Script = """
        f="$0/$MLXSUP_SERVER-$MLXSUP_EVENT"
        env | grep '^MLXSUP_' | sort > "$f.env.part" && mv "$f.env.part" "$f.env"
        cat > "$f.json.part" && mv "$f.json.part" "$f.json"
        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(Dictionary<string, string> Env, JsonElement Json)> Told(string server, string @event)
    {
        var env = Path.Combine(_dir.Path, $"{server}-{@event}.env");
        var json = Path.Combine(_dir.Path, $"{server}-{@event}.json");
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!File.Exists(env) || !File.Exists(json))
        {
            if (DateTime.UtcNow > deadline)
            {
                var written = string.Join(", ", Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
                throw new TimeoutException($"The hook never told {@event} of {server}; it wrote {written}");
            }
            await Task.Delay(20);
        }
        var variables = (await File.ReadAllTextAsync(env)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        return (variables, document.RootElement.Clone());
    }

    private EventHooks Hooks(FleetHarness f, ILoggerFactory logs) =>
        new(new NotifyOptions { Command = "/bin/sh", Arguments = ["-c", Script, _dir.Path] }, f.Fleet, TimeProvider.System, logs);

    private static async Task RestartByKill(RealSupervisor s)
    {
        var first = (await s.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        NativeMethods.Kill(first, Signals.SIGKILL);
        await s.WaitFor(x => x.State == SupervisorState.Running && x.Pid is { } pid && pid != first);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Each_servers_events_reach_the_hook_with_its_name_in_MLXSUP_SERVER_and_in_the_JSON()
    {
        await using var f = new FleetHarness(["a", "b"]);
        using var logs = LoggerFactory.Create(b => b.AddProvider(f.Logs));
        using var hooks = Hooks(f, logs);
        await hooks.StartAsync(CancellationToken.None);
        await f.StartAsync();

        await RestartByKill(f["b"]);
        var b = await Told("b", "restart");
        await RestartByKill(f["a"]);
        var a = await Told("a", "restart");
        await hooks.StopAsync(CancellationToken.None);

        b.Env["MLXSUP_SERVER"].Should().Be("b");
        b.Env["MLXSUP_PID"].Should().Be(f["b"].Supervisor.Status.Current.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        b.Json.GetProperty("server").GetString().Should().Be("b");
        a.Env["MLXSUP_SERVER"].Should().Be("a");
        a.Json.GetProperty("server").GetString().Should().Be("a");
        a.Json.GetProperty("cause").GetString().Should().Be("exited");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_events_of_a_server_a_reload_adds_reach_the_hook_too()
    {
        await using var f = new FleetHarness(["a"]);
        using var logs = LoggerFactory.Create(b => b.AddProvider(f.Logs));
        using var hooks = Hooks(f, logs);
        await hooks.StartAsync(CancellationToken.None);
        await f.StartAsync();

        await RestartByKill(f.Add("c"));
        var c = await Told("c", "restart");
        await hooks.StopAsync(CancellationToken.None);

        c.Env["MLXSUP_SERVER"].Should().Be("c");
        c.Json.GetProperty("event").GetString().Should().Be("restart");
    }
}
