using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Logs;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>
/// The log lines the answering-server scenarios (issue 12) time: the daemon's own events, as its console template
/// writes them, and the server's output, which its own log file has as <c>[pid stream] line</c>.
/// </summary>
internal static partial class DaemonLines
{
    /// <returns>The pid of the server a "healthy after" line calls Running (the Running transition), or null.</returns>
    public static int? RunningPid(LogLine line) => Pid(HealthyLine().Match(line.Message));

    public static bool IsRunning(LogLine line, int pid) => RunningPid(line) == pid;

    public static bool IsStable(LogLine line, int pid) => line.Message.StartsWith($"Server pid={Of(pid)} stable for ", StringComparison.Ordinal);

    /// <summary>The sim's "listening" line, printed as its port opens, as the server's log file has it (<see cref="DaemonUnderTest.ServerLog"/>).</summary>
    public static bool IsListening(LogLine line, int pid) => line.Message.StartsWith($"[{Of(pid)} stdout] sim: listening on ", StringComparison.Ordinal);

    /// <summary>The first line of the generation thread's traceback on the server's stderr, in the server's log file.</summary>
    public static bool IsTraceback(LogLine line, int pid) => line.Message.StartsWith($"[{Of(pid)} stderr] Exception in thread ", StringComparison.Ordinal);

    public static bool IsDeclaredDead(LogLine line, int pid) => line.Message.StartsWith($"Server pid={Of(pid)} declared dead", StringComparison.Ordinal);

    /// <summary>The stall watchdog's restart (Proxy:StallTimeout).</summary>
    public static bool IsWedged(LogLine line) => line.Message.StartsWith("The server is wedged: ", StringComparison.Ordinal);

    /// <summary>The front door's line (at Debug) for a request whose server failed before answering it: it is sent again.</summary>
    public static bool IsSentAgain(LogLine line) => line.Message.Contains("sending it again once the server is back", StringComparison.Ordinal);

    /// <summary>The front door's line for a stream whose server died before any content reached the client.</summary>
    public static bool IsSpliced(LogLine line) => line.Message.Contains("before any content reached the client; its stream goes on", StringComparison.Ordinal);

    /// <summary>The front door's line for an answer cut after content went out: the client is told.</summary>
    public static bool IsAnswerCut(LogLine line) => line.Message.Contains("the answer is not whole and the client is told so", StringComparison.Ordinal);

    /// <summary>The fleet's start of an OnDemand server for a request (issue 13).</summary>
    public static bool IsOnDemandStart(LogLine line, string server) =>
        line.Message.StartsWith($"Starting server {server} for a request for one of its models", StringComparison.Ordinal);

    /// <summary>The fleet stopping an idle server to make room in Fleet:MemoryBudget for another.</summary>
    public static bool IsStoppingForRoom(LogLine line, string victim, string server) =>
        line.Message.StartsWith($"Stopping idle server {victim} to make room for {server} ", StringComparison.Ordinal);

    /// <summary>The daemon's graceful stop of a server has begun: SIGTERM to it and its process group.</summary>
    public static bool IsSigtermSent(LogLine line, int pid) =>
        line.Message.StartsWith($"SIGTERM sent to pid={Of(pid)} and its process group", StringComparison.Ordinal);

    /// <summary>A server that was asked to stop is gone: after its SIGTERM, or the SIGKILL that followed the grace period.</summary>
    public static bool IsStopped(LogLine line, int pid) =>
        line.Message.StartsWith($"Server pid={Of(pid)} stopped after SIGTERM", StringComparison.Ordinal)
        || line.Message.StartsWith($"Server pid={Of(pid)} ignored SIGTERM", StringComparison.Ordinal);

    /// <summary>A server held stopped: the line its supervisor logs once it is Stopped with no process.</summary>
    public static bool IsSupervisionStopped(LogLine line) => line.Message.StartsWith("Supervision stopped: ", StringComparison.Ordinal);

    private static string Of(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static int? Pid(Match m) => m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^Server pid=(\d+) healthy after ")]
    private static partial Regex HealthyLine();
}
