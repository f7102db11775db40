using System.Globalization;
using System.Text.RegularExpressions;
using MlxSupervisor.Bench.Logs;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>
/// The daemon's log lines the answering-server scenarios (issue 12) time, as its console template writes them:
/// its own events, and the server's output it logs as <c>[pid stream] line</c>.
/// </summary>
internal static partial class DaemonLines
{
    /// <returns>The pid of the server a "healthy after" line calls Running (the Running transition), or null.</returns>
    public static int? RunningPid(LogLine line) => Pid(HealthyLine().Match(line.Message));

    public static bool IsRunning(LogLine line, int pid) => RunningPid(line) == pid;

    public static bool IsStable(LogLine line, int pid) => line.Message.StartsWith($"Server pid={Of(pid)} stable for ", StringComparison.Ordinal);

    /// <summary>The sim's "listening" line, printed as its port opens, as the daemon logs the server's stdout.</summary>
    public static bool IsListening(LogLine line, int pid) => line.Message.StartsWith($"[{Of(pid)} stdout] sim: listening on ", StringComparison.Ordinal);

    /// <summary>The first line of the generation thread's traceback on the server's stderr, as the daemon logs it.</summary>
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

    private static string Of(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    private static int? Pid(Match m) => m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"^Server pid=(\d+) healthy after ")]
    private static partial Regex HealthyLine();
}
