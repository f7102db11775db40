using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>The real mlx-supervisor executable, run as a child with a <c>--config</c> file and its own log folder.</summary>
internal sealed partial class DaemonUnderTest : ISupervisorUnderTest
{
    private readonly ChildProcess _process;
    private readonly string _directory;
    private readonly CancellationTokenSource _stopFollowing = new();
    private readonly Lazy<Task> _serverLogFollower;

    private DaemonUnderTest(ChildProcess process, string directory, LogStream log)
    {
        _process = process;
        _directory = directory;
        Log = log;
        _serverLogFollower = new(() => FollowServerLogAsync(_stopFollowing.Token));
    }

    public string Name => "mlx-supervisor";

    public int Pid => _process.Pid;

    public LogStream Log { get; }

    /// <summary>
    /// What the single server printed, from its own log file (<c>server.log</c>), as the daemon stamped each line.
    /// Followed from the first time it is asked for, so a scenario that never reads it (a flood) pays nothing for it.
    /// </summary>
    public LogStream ServerLog
    {
        get
        {
            _ = _serverLogFollower.Value;
            return _serverLog;
        }
    }

    private readonly LogStream _serverLog = new(LogFormat.ServerLog);

    private async Task FollowServerLogAsync(CancellationToken stop)
    {
        using var tail = new LogFileTail(LogDirectory, "server.log");
        using var every = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            do
                tail.Poll(line => _serverLog.Add(line, DateTimeOffset.Now));
            while (await every.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>The folder of the daemon's rolling log file (MLXSUP_LOG_DIR).</summary>
    public string LogDirectory => Path.Combine(_directory, "logs");

    /// <param name="environment">Extra variables for the daemon, e.g. a Serilog override like the service files set.</param>
    public static DaemonUnderTest Start(BenchPaths paths, DaemonConfig config, Func<string, bool>? countOnly = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var directory = Directory.CreateTempSubdirectory("mlxsup-bench-").FullName;
        var configPath = Path.Combine(directory, "bench.json");
        // A state folder of its own: two daemons of one scenario (or a leftover of an earlier run) never share an
        // instance lock or a server record.
        File.WriteAllText(configPath, (config with { StateDirectory = config.StateDirectory ?? Path.Combine(directory, "state") }).ToJson(paths.SimServer));
        var log = new LogStream(LogFormat.Daemon, countOnly);
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["MLXSUP_LOG_DIR"] = Path.Combine(directory, "logs"),
        };
        var process = ChildProcess.Start(paths.Daemon, ["--config", configPath], variables, log.Add, log.Add);
        return new DaemonUnderTest(process, directory, log);
    }

    public int? SpawnedPid(LogLine line) =>
        StartedLine().Match(line.Message) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    public bool IsExit(LogLine line) => ExitedLine().IsMatch(line.Message);

    public bool IsUp(LogLine line) => StableLine().IsMatch(line.Message);

    public async Task<int?> StopAsync()
    {
        if (_process.HasExited)
            return await _process.WaitForExitAsync(TimeSpan.Zero);
        _process.Signal(Signals.SIGTERM);
        return await _process.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _stopFollowing.CancelAsync();
        if (_serverLogFollower.IsValueCreated)
            await _serverLogFollower.Value;
        _stopFollowing.Dispose();
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"^Started pid=(\d+) ")]
    private static partial Regex StartedLine();

    [GeneratedRegex(@"^Server pid=\d+ exited ")]
    private static partial Regex ExitedLine();

    [GeneratedRegex(@"^Server pid=\d+ stable for ")]
    private static partial Regex StableLine();
}
