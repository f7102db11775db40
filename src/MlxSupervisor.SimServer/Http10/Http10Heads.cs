namespace MlxSupervisor.SimServer.Http10;

/// <summary>
/// The two rewrites of a message head that turn Kestrel's HTTP/1.1 into what Python's
/// <c>BaseHTTPRequestHandler</c> (protocol_version "HTTP/1.0") puts on the wire.
/// </summary>
internal static class Http10Heads
{
    private const string Http11 = "HTTP/1.1";
    private const string Http10 = "HTTP/1.0";

    /// <summary>
    /// <c>POST /v1/chat/completions HTTP/1.1</c> becomes <c>… HTTP/1.0</c>, without Connection or Keep-Alive
    /// headers: Kestrel then answers without chunking and closes after the one response, as Python does for
    /// any client, whatever it asked for.
    /// </summary>
    public static string Request(string head) =>
        Rewrite(head, line => line.EndsWith(" " + Http11, StringComparison.Ordinal) ? line[..^Http11.Length] + Http10 : line);

    /// <summary>
    /// <c>HTTP/1.1 200 OK</c> becomes <c>HTTP/1.0 200 OK</c>, and the <c>Connection: close</c> Kestrel adds for an
    /// HTTP/1.0 client goes: Python sends no Connection header.
    /// </summary>
    public static string Response(string head) =>
        Rewrite(head, line => line.StartsWith(Http11 + " ", StringComparison.Ordinal) ? Http10 + line[Http11.Length..] : line);

    private static string Rewrite(string head, Func<string, string> firstLine)
    {
        var lines = head.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
            return head;
        var kept = lines.Skip(1).Where(l => !IsConnectionHeader(l)).Prepend(firstLine(lines[0]));
        return string.Join("\r\n", kept) + "\r\n\r\n";
    }

    private static bool IsConnectionHeader(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
            return false;
        var name = line[..colon].Trim();
        return name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
            || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase);
    }
}
