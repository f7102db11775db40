namespace MlxSupervisor.Supervision;

/// <summary>
/// What the front door sees of the server's work. Many MLX servers block /health while they generate, so a
/// failed probe while requests are in flight and bytes are flowing means busy, not dead.
/// </summary>
public interface IServerActivity
{
    ServerActivitySnapshot Current { get; }
}

/// <param name="InFlight">Requests forwarded to the server and not yet finished.</param>
/// <param name="LastByteAt">When the server last sent a byte of a response; null if never.</param>
public readonly record struct ServerActivitySnapshot(int InFlight, DateTimeOffset? LastByteAt);

/// <summary>Used when there is no front door: the server is never known to be busy.</summary>
public sealed class NoServerActivity : IServerActivity
{
    public static readonly NoServerActivity Instance = new();

    public ServerActivitySnapshot Current => default;
}
