namespace MlxSupervisor.Status;

/// <summary>What <c>Status:Listen</c> may hold: an http URL with a host and a port, and nothing after them.</summary>
public static class ListenAddress
{
    public static bool TryParse(string? value, out Uri address)
    {
        address = null!;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            return false;
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            return false;
        address = uri;
        return true;
    }

    /// <summary>Where a client on this machine connects: a wildcard listen address is reached through loopback.</summary>
    public static Uri ForClient(Uri listen) => listen.Host switch
    {
        "0.0.0.0" => new UriBuilder(listen) { Host = "127.0.0.1" }.Uri,
        "[::]" => new UriBuilder(listen) { Host = "[::1]" }.Uri,
        _ => listen,
    };
}
