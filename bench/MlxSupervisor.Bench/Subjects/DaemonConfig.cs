using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>The scaled-down settings a scenario gives the daemon through <c>--config</c>.</summary>
internal sealed record DaemonConfig
{
    public required int Port { get; init; }

    public string[] ExtraSimArguments { get; init; } = [];

    /// <summary>A command line to run instead of the sim (e.g. a shell that exec's it with stderr to a file), or null.</summary>
    public (string Command, string[] Arguments)? ServerOverride { get; init; }

    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    public int HealthFailureThreshold { get; init; } = 3;

    public TimeSpan StartupProbeInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(6);

    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromSeconds(1);

    public int BreakerFailureThreshold { get; init; } = 5;

    public TimeSpan SamplingWindow { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(6);

    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Health:Readiness ("Generation" or "Health"), or null for the shipped default (Generation).</summary>
    public string? Readiness { get; init; }

    /// <summary>Health:Generation:Interval, the idle time before a generation probe, or null for the shipped 5 min.</summary>
    public TimeSpan? GenerationInterval { get; init; }

    /// <summary>Health:Generation:Timeout, or null for the shipped 30 s.</summary>
    public TimeSpan? GenerationTimeout { get; init; }

    /// <summary>Proxy:StallTimeout, or null for the shipped 2 min.</summary>
    public TimeSpan? StallTimeout { get; init; }

    /// <summary>
    /// The front door's listen address (issue 4), or null to turn it off. On by default, as shipped, but on a free
    /// port: its default, 8080, may be held by other people's tests on this machine.
    /// </summary>
    public Uri? ProxyListen { get; init; } = FreeLoopback();

    /// <summary>The status endpoint's listen address, or null to turn it off; on by default, as shipped, on a free port.</summary>
    public Uri? StatusListen { get; init; } = FreeLoopback();

    /// <summary>Proxy:MaxConcurrentRequests, or null for the shipped 4.</summary>
    public int? MaxConcurrentRequests { get; init; }

    /// <summary>Health:Generation:Enabled, or null for the shipped true; false for a server that cannot generate (nginx).</summary>
    public bool? GenerationEnabled { get; init; }

    /// <summary>State:Directory, or null for the shipped default (<c>./state</c> without XDG_STATE_HOME); the bench gives each daemon its own.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>Supervisor:Servers (issue 13), or null for the single server of <see cref="Port"/>, which is then ignored.</summary>
    public IReadOnlyList<FleetServer>? Servers { get; init; }

    /// <summary>Fleet:MemoryBudget, or null for none.</summary>
    public string? MemoryBudget { get; init; }

    /// <summary>Fleet:MinResidency, or null for the shipped 30 s.</summary>
    public TimeSpan? MinResidency { get; init; }

    /// <summary>The settings file, in the shape of appsettings.json's Supervisor section.</summary>
    public string ToJson(string simServer)
    {
        var supervisor = new Dictionary<string, object>();
        if (Servers is null)
        {
            supervisor["Server"] = ServerOverride is { } o
                ? new { o.Command, o.Arguments }
                : new { Command = simServer, Arguments = SimArguments.For(Port, ExtraSimArguments) };
        }
        supervisor["Health"] = new
        {
            // A fleet's servers each have their own Health:Url; the top-level Health is their defaults.
            Url = Servers is null ? SimArguments.HealthUrl(Port).ToString() : null,
            Interval = Span(HealthInterval),
            Timeout = Span(HealthTimeout),
            FailureThreshold = HealthFailureThreshold,
            StartupTimeout = "00:00:30",
            StartupProbeInterval = Span(StartupProbeInterval),
            Readiness,
            Generation = GenerationInterval is null && GenerationTimeout is null && GenerationEnabled is null
                ? null
                : new { Enabled = GenerationEnabled, Interval = Span(GenerationInterval), Timeout = Span(GenerationTimeout) },
        };
        supervisor["Restart"] = new { InitialDelay = Span(InitialDelay), MaxDelay = Span(MaxDelay), ResetAfter = Span(ResetAfter) };
        supervisor["CircuitBreaker"] = new
        {
            FailureThreshold = BreakerFailureThreshold,
            SamplingWindow = Span(SamplingWindow),
            BreakDuration = Span(BreakDuration),
        };
        supervisor["Shutdown"] = new { GracePeriod = Span(GracePeriod) };
        supervisor["Proxy"] = new
        {
            Enabled = ProxyListen is not null,
            Listen = ProxyListen?.ToString().TrimEnd('/') ?? "http://127.0.0.1:8080",
            MaxConcurrentRequests,
            StallTimeout = Span(StallTimeout),
        };
        if (StateDirectory is not null)
            supervisor["State"] = new { Directory = StateDirectory };
        if (Servers is not null)
        {
            supervisor["Servers"] = Servers.ToDictionary(s => s.Name, s => s.ToEntry(simServer));
            supervisor["Fleet"] = new { MemoryBudget, MinResidency = Span(MinResidency) };
        }
        // An empty Listen turns the status endpoint off.
        var settings = new { Supervisor = supervisor, Status = new { Listen = StatusListen?.ToString().TrimEnd('/') ?? "" } };
        // A setting left null is left out, so the shipped default applies, and a build from before the key (--daemon-bin) is not handed it.
        return JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull });
    }

    private static Uri FreeLoopback() => new($"http://127.0.0.1:{Processes.FreePort.Next().ToString(CultureInfo.InvariantCulture)}");

    internal static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    internal static string? Span(TimeSpan? value) => value is { } v ? Span(v) : null;
}
