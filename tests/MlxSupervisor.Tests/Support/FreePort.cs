using System.Net;
using System.Net.Sockets;

namespace MlxSupervisor.Tests.Support;

public static class FreePort
{
    // Below Linux's ephemeral range (32768-60999): a port the OS handed out for port 0 can be handed out again at
    // once, to another test's listener or to any outgoing connection, before the server we name it to binds it.
    private const int First = 20_000;
    private const int Last = 32_000;

    private static int _next = First + Random.Shared.Next(Last - First);

    /// <summary>A loopback port nothing listens on right now, and that no other test in this run was given.</summary>
    public static int Next()
    {
        while (true)
        {
            var port = First + (Interlocked.Increment(ref _next) - First) % (Last - First);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; try the next one.
            }
        }
    }
}
