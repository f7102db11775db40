namespace MlxSupervisor.Bench.Subjects;

/// <summary>One entry of Supervisor:Servers (issue 13): a simulated server of its own, serving one model on its own port.</summary>
/// <param name="Name">The server's name (lower-case letters, digits and '-').</param>
/// <param name="Model">The one model it serves, which the sim also reports (<c>--model</c>).</param>
internal sealed record FleetServer(string Name, string Model, int Port)
{
    public string[] ExtraSimArguments { get; init; } = [];

    /// <summary>"AtBoot" (the shipped default) or "OnDemand".</summary>
    public string Start { get; init; } = "AtBoot";

    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>A size, e.g. "200MB", or null.</summary>
    public string? MemoryEstimate { get; init; }

    public Uri HealthUrl => SimArguments.HealthUrl(Port);

    /// <summary>The entry as the settings file holds it; null values are left out by the serializer.</summary>
    public object ToEntry(string simServer) => new
    {
        Models = new[] { Model },
        Server = new { Command = simServer, Arguments = SimArguments.For(Port, ["--model", Model, .. ExtraSimArguments]) },
        Health = new { Url = HealthUrl.ToString() },
        Start,
        IdleTimeout = DaemonConfig.Span(IdleTimeout),
        MemoryEstimate,
    };
}
