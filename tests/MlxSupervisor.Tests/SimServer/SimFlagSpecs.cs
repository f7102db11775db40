using System.Diagnostics;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>The sim's faults of issue 12 are flags and MLXSIM_* variables alike, and nonsense is refused in one line.</summary>
public sealed class SimFlagSpecs
{
    // The names the daemon's specs use: a rename here must fail a spec, not those.
    private static readonly (string Flag, string Variable)[] NewFlags =
    [
        ("--load-ms <n>", "MLXSIM_LOAD_MS"),
        ("--never-loads", "MLXSIM_NEVER_LOADS"),
        ("--load-fails <value>", "MLXSIM_LOAD_FAILS"),
        ("--generation-dies-after <n>", "MLXSIM_GENERATION_DIES_AFTER"),
        ("--silent-death", "MLXSIM_SILENT_DEATH"),
        ("--metal-oom-at-request <n>", "MLXSIM_METAL_OOM_AT_REQUEST"),
        ("--http10", "MLXSIM_HTTP10"),
        ("--keepalive-comments <n>", "MLXSIM_KEEPALIVE_COMMENTS"),
    ];

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Help_lists_each_new_flag_with_its_variable()
    {
        var (status, stdout, _) = await RunToExitAsync("--help");

        status.Should().Be(0);
        var lines = stdout.Split('\n');
        foreach (var (flag, variable) in NewFlags)
            lines.Should().Contain(l => l.TrimStart().StartsWith(flag + " ", StringComparison.Ordinal)
                && l.TrimEnd().EndsWith($"[{variable}]", StringComparison.Ordinal), "help documents {0} as {1}", flag, variable);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_variables_alone_make_an_HTTP_1_0_server_whose_model_fails_to_load()
    {
        await using var sim = await SimProcess.StartAsync([], new Dictionary<string, string>
        {
            ["MLXSIM_HTTP10"] = "1",
            ["MLXSIM_LOAD_MS"] = "50",
            ["MLXSIM_LOAD_FAILS"] = "gone",
        });

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: true));
        var response = await raw.ReadToCloseAsync();

        response.Should().StartWith("HTTP/1.0 404 Not Found\r\n").And.EndWith("\r\n\r\n{\"error\":\"gone\"}");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_variables_alone_kill_the_generation_thread_once_loaded()
    {
        await using var sim = await SimProcess.StartAsync([], new Dictionary<string, string>
        {
            ["MLXSIM_GENERATION_DIES_AFTER"] = "0",
        });

        (await sim.WaitForStderrAsync("(_generate)")).Should().Be("Exception in thread Thread-1 (_generate):");
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData("--silent-death needs --generation-dies-after", "--silent-death")]
    [InlineData("--never-loads and --load-fails 'x' contradict each other", "--never-loads", "--load-fails", "x")]
    public async Task A_combination_that_cannot_mean_anything_is_refused_with_one_line(string message, params string[] flags)
    {
        var (status, _, stderr) = await RunToExitAsync(flags);

        status.Should().Be(2);
        stderr.TrimEnd().Split('\n').Should().ContainSingle().Which.Should().StartWith($"sim: {message}");
    }

    private static async Task<(int Status, string Stdout, string Stderr)> RunToExitAsync(params string[] flags)
    {
        var start = new ProcessStartInfo(Repo.SimServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var flag in flags)
            start.ArgumentList.Add(flag);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited)
                process.Kill();
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
