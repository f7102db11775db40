using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>
/// <c>--flood-lines N</c>: N numbered lines of about 80 characters on stdout as fast as possible, to test that
/// the supervisor drains the pipe without blocking the child or losing lines.
/// </summary>
internal sealed class StdoutFlood(int lines, SimConsole console, TimeProvider time)
{
    private const string Prefix = "flood ";
    private const int LineLength = 80;

    public void Run()
    {
        if (lines <= 0)
            return;

        var started = time.GetTimestamp();
        console.WriteBurst(WriteLines);
        var elapsed = time.GetElapsedTime(started);
        console.Error($"sim: flood of {lines} lines took {elapsed.TotalMilliseconds:F0} ms");
    }

    // One template line, with only the number rewritten each time: formatting 200,000 strings would
    // cost more than writing them.
    private void WriteLines(TextWriter stdout)
    {
        var width = Math.Max(6, lines.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        var head = $"{Prefix}{new string('0', width)} of {lines} ";
        var line = (head + new string('.', Math.Max(0, LineLength - 1 - head.Length)) + "\n").ToCharArray();
        var number = line.AsSpan(Prefix.Length, width);
        var format = "D" + width;

        for (var i = 1; i <= lines; i++)
        {
            i.TryFormat(number, out _, format, System.Globalization.CultureInfo.InvariantCulture);
            stdout.Write(line);
        }
    }
}
