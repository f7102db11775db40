using System.Net;
using System.Net.Sockets;
using System.Text;
using MlxSupervisor.Tests.Support;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>
/// HTTP at the level of bytes on a socket, for what a client library hides: the status line as sent, whether
/// any byte at all arrived, and whether the server closed the connection.
/// </summary>
public sealed class RawHttp : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    /// <summary>
    /// How long a spec watches for a byte that must not come: a sim on loopback that means to answer has sent
    /// its headers in a few milliseconds, even on a loaded machine.
    /// </summary>
    public static TimeSpan QuietWindow { get; } = TimeSpan.FromMilliseconds(500);

    private RawHttp()
    {
    }

    /// <summary>Connects to the sim and sends <paramref name="request"/> as it is.</summary>
    public static async Task<RawHttp> SendAsync(int port, string request)
    {
        var raw = new RawHttp();
        await raw._socket.ConnectAsync(IPAddress.Loopback, port);
        await raw._socket.SendAsync(Encoding.ASCII.GetBytes(request));
        return raw;
    }

    public static string Get(string path, string extraHeaders = "") =>
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extraHeaders}\r\n";

    public static string Post(string path, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + $"Content-Length: {body.Length}\r\n\r\n{json}";
    }

    public static string Chat(bool stream, string extra = "") =>
        Post("/v1/chat/completions",
            $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"hello\"}}],\"stream\":{(stream ? "true" : "false")}{extra}}}");

    /// <summary>Reads until the server closes the connection.</summary>
    /// <returns>Everything it sent.</returns>
    public async Task<string> ReadToCloseAsync()
    {
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            received.Write(buffer, 0, read);
        return Encoding.UTF8.GetString(received.ToArray());
    }

    /// <returns>True when not one byte arrived, and the connection stayed open, for the whole <paramref name="window"/>.</returns>
    public async Task<bool> ReceivesNothingFor(TimeSpan window)
    {
        using var quiet = new CancellationTokenSource(window);
        try
        {
            await _socket.ReceiveAsync(new byte[1], SocketFlags.None, quiet.Token);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();
}
