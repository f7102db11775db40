namespace MlxSupervisor.Status;

/// <summary>The control endpoint: the top-level <c>Status</c> section.</summary>
public sealed class StatusOptions
{
    public const string SectionName = "Status";

    public const string DefaultListen = "http://127.0.0.1:8090";

    /// <summary>The http URL the endpoint listens on. An empty value turns the endpoint off.</summary>
    /// <value>Default: <c>http://127.0.0.1:8090</c>.</value>
    public string? Listen { get; set; } = DefaultListen;

    /// <summary>The bearer token that POST /restart, /stop and /start need. Set this or <see cref="TokenFile"/>.</summary>
    /// <value>Default: none, so control requests are refused.</value>
    public string? Token { get; set; }

    /// <summary>A file holding the token, readable by its owner only (mode 600).</summary>
    /// <value>Default: none.</value>
    public string? TokenFile { get; set; }

    /// <summary>Lets <see cref="Listen"/> name a non-loopback address; a token is required then too.</summary>
    /// <value>Default: false.</value>
    public bool AllowRemote { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Listen);

    public bool HasToken => !string.IsNullOrEmpty(Token) || !string.IsNullOrEmpty(TokenFile);
}
