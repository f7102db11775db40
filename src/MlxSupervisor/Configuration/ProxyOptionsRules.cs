using System.Net;

namespace MlxSupervisor.Configuration;

/// <summary>The checks on <c>Supervisor:Proxy</c>, one line per problem, in the words of <see cref="SupervisorOptionsValidator"/>.</summary>
internal static class ProxyOptionsRules
{
    private const string Key = SupervisorOptions.SectionName + ":Proxy";

    /// <param name="checkServerAddress">Whether Health:Url is a server's, which must not be the front door's own address.</param>
    public static IEnumerable<string> Check(SupervisorOptions o, bool checkServerAddress = true)
    {
        var p = o.Proxy;
        if (!p.Enabled)
            yield break;

        if (ListenEndPoint(p.Listen) is not { } listen)
        {
            yield return $"{Key}:Listen '{p.Listen}' is not an http URL with an IP address or localhost and a port, e.g. \"http://127.0.0.1:8080\".";
        }
        else if (checkServerAddress && Uri.TryCreate(o.Health.Url, UriKind.Absolute, out var server) && server.Port == listen.Port && SameHost(server.Host, listen.Host))
        {
            // The usual cause: settings from before the front door, with the server still on the clients' port.
            yield return $"{Key}:Listen '{p.Listen}' is the server's own address ({SupervisorOptions.SectionName}:Health:Url '{o.Health.Url}'): " +
                "move the server to a private port, e.g. 8081 in its --port argument and in Health:Url.";
        }

        if (p.MaxConcurrentRequests < 1)
            yield return $"{Key}:MaxConcurrentRequests '{p.MaxConcurrentRequests}' must be at least 1.";
        if (p.QueueLimit < 0)
            yield return $"{Key}:QueueLimit '{p.QueueLimit}' must be 0 or more.";
        if (p.QueueTimeout <= TimeSpan.Zero)
            yield return $"{Key}:QueueTimeout '{p.QueueTimeout:c}' must be a positive time span (hh:mm:ss).";
        if (p.StallTimeout <= TimeSpan.Zero)
            yield return $"{Key}:StallTimeout '{p.StallTimeout:c}' must be a positive time span (hh:mm:ss).";
    }

    /// <summary>Kestrel binds an IP address or localhost, over plain http: the front door has no certificate.</summary>
    /// <returns>Null when <paramref name="listen"/> is not such an address.</returns>
    public static Uri? ListenEndPoint(string? listen)
    {
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp || uri.AbsolutePath != "/")
            return null;
        if (!uri.Authority.Contains(':', StringComparison.Ordinal) || uri.Port is < 1 or > 65535)
            return null;
        return uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(uri.DnsSafeHost, out _) ? uri : null;
    }

    internal static bool SameHost(string a, string b) =>
        a.Equals(b, StringComparison.OrdinalIgnoreCase) || (IsAnyOrLoopback(a) && IsAnyOrLoopback(b));

    private static bool IsAnyOrLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
}
