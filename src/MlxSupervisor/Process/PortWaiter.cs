using System.Net.Sockets;

namespace MlxSupervisor.Process;

/// <summary>Waits until nothing accepts connections on a port, so a new server never races the old one for it.</summary>
internal static class PortWaiter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <returns>True once the port refuses connections; false if something still listened at the bound.</returns>
    public static async Task<bool> WaitUntilFreeAsync(Uri url, TimeSpan bound, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (!await IsListeningAsync(url, cancellationToken))
                return true;
            if (time.GetElapsedTime(started) >= bound)
                return false;
            await Task.Delay(PollInterval, time, cancellationToken);
        }
    }

    public static async Task<bool> IsListeningAsync(Uri url, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(url.Host, url.Port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true; // Something holds the port but does not accept: still not free.
        }
    }
}
