using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Logs;
using MlxSupervisor.Bench.Processes;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>
/// A private supervisord (Debian's <c>supervisor</c> package) with a generated config in a temp folder, watching
/// the same simulated server the daemon watches; not the system service.
/// </summary>
internal sealed partial class SupervisordUnderTest : ISupervisorUnderTest
{
    private const string Program = "sim";

    private readonly ChildProcess _process;
    private readonly string _directory;

    private SupervisordUnderTest(ChildProcess process, string directory, LogStream log)
    {
        _process = process;
        _directory = directory;
        Log = log;
    }

    public string Name => "supervisord";

    public int Pid => _process.Pid;

    public LogStream Log { get; }

    public static SupervisordUnderTest Start(BenchPaths paths, int port)
    {
        var executable = paths.Supervisord ?? throw new InvalidOperationException("supervisord is not installed: apt-get install -y supervisor");
        var directory = Directory.CreateTempSubdirectory("mlxsup-bench-supervisord-").FullName;
        var configPath = Path.Combine(directory, "supervisord.conf");
        File.WriteAllText(configPath, Config(directory, paths.SimServer, port));
        var log = new LogStream(LogFormat.Supervisord);
        // -n: stay in the foreground as our child, and echo the log to stdout, where the bench reads it.
        var process = ChildProcess.Start(executable, ["-n", "-c", configPath], null, log.Add, log.Add);
        return new SupervisordUnderTest(process, directory, log);
    }

    public int? SpawnedPid(LogLine line) =>
        SpawnedLine().Match(line.Message) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    public bool IsExit(LogLine line) => line.Message.StartsWith($"exited: {Program} ", StringComparison.Ordinal);

    public bool IsUp(LogLine line) => line.Message.StartsWith($"success: {Program} entered RUNNING state", StringComparison.Ordinal);

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
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    // autorestart=true and startsecs=1 as the issue asks; the server's process group is stopped as a whole, as
    // the daemon does. The unix socket lives in the temp folder, so this instance touches nothing system-wide.
    private static string Config(string directory, string simServer, int port) => $"""
        [unix_http_server]
        file={directory}/supervisor.sock

        [supervisord]
        logfile={directory}/supervisord.log
        pidfile={directory}/supervisord.pid
        childlogdir={directory}
        nodaemon=true
        loglevel=info
        user=root

        [rpcinterface:supervisor]
        supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

        [supervisorctl]
        serverurl=unix://{directory}/supervisor.sock

        [program:{Program}]
        command={simServer} {string.Join(' ', SimArguments.For(port))}
        autostart=true
        autorestart=true
        startsecs=1
        stopsignal=TERM
        stopwaitsecs=1
        stopasgroup=true
        killasgroup=true
        stdout_logfile={directory}/sim.out.log
        stderr_logfile={directory}/sim.err.log
        """;

    [GeneratedRegex(@"^spawned: 'sim' with pid (\d+)")]
    private static partial Regex SpawnedLine();
}
