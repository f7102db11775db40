using Microsoft.Extensions.Options;

namespace MlxSupervisor.Configuration;

/// <summary>
/// Refuses settings the supervisor cannot run with. Each failure is one line that names the full key
/// and the bad value, because the person reading it is editing appsettings.json by hand.
/// </summary>
public sealed class SupervisorOptionsValidator : IValidateOptions<SupervisorOptions>
{
    private const string Root = SupervisorOptions.SectionName;

    /// <summary>The settings of the single-server form: one server's sections, and the daemon's.</summary>
    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        var errors = ServerSections(options, Root, isServer: true).Concat(DaemonSections(options, checkServerAddress: true)).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>
    /// The sections one server runs with: Server, Health, Restart, CircuitBreaker, Shutdown and Memory, with keys under
    /// <paramref name="root"/>. With <paramref name="isServer"/> false they are the fleet's defaults, which run no server
    /// of their own: Server and Health:Url are each server's.
    /// </summary>
    internal static IEnumerable<string> ServerSections(SupervisorOptions o, string root, bool isServer)
    {
        if (isServer)
        {
            if (string.IsNullOrWhiteSpace(o.Server.Command))
                yield return $"{root}:Server:Command is missing: set it to the server executable, e.g. \"mlx_lm.server\".";

            if (o.Server.WorkingDirectory is { Length: > 0 } dir && !Directory.Exists(dir))
                yield return $"{root}:Server:WorkingDirectory '{dir}' does not exist.";

            if (!Enum.IsDefined(o.Server.Adopt))
                yield return NotOneOf($"{root}:Server:Adopt", o.Server.Adopt.ToString(), typeof(ServerAdoption));

            if (!Uri.TryCreate(o.Health.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                yield return $"{root}:Health:Url '{o.Health.Url}' is not an absolute http(s) URL.";
        }

        foreach (var error in Positive(root, "Health:Interval", o.Health.Interval)
            .Concat(Positive(root, "Health:Timeout", o.Health.Timeout))
            .Concat(Positive(root, "Health:StartupTimeout", o.Health.StartupTimeout))
            .Concat(Positive(root, "Health:StartupProbeInterval", o.Health.StartupProbeInterval))
            .Concat(Positive(root, "Health:Generation:Timeout", o.Health.Generation.Timeout))
            .Concat(Positive(root, "Health:Generation:Interval", o.Health.Generation.Interval))
            .Concat(Positive(root, "Restart:InitialDelay", o.Restart.InitialDelay))
            .Concat(Positive(root, "Restart:MaxDelay", o.Restart.MaxDelay))
            .Concat(Positive(root, "Restart:ResetAfter", o.Restart.ResetAfter))
            .Concat(Positive(root, "CircuitBreaker:SamplingWindow", o.CircuitBreaker.SamplingWindow))
            .Concat(Positive(root, "CircuitBreaker:BreakDuration", o.CircuitBreaker.BreakDuration))
            .Concat(Positive(root, "Shutdown:GracePeriod", o.Shutdown.GracePeriod))
            .Concat(AtLeastOne(root, "Health:FailureThreshold", o.Health.FailureThreshold))
            .Concat(AtLeastOne(root, "CircuitBreaker:FailureThreshold", o.CircuitBreaker.FailureThreshold))
            .Concat(Positive(root, "Memory:Interval", o.Memory.Interval))
            .Concat(AtLeastOne(root, "Memory:Samples", o.Memory.Samples))
            .Concat(SizeOrUnset(root, "Memory:MaxServerMemory", o.Memory.MaxServerMemory))
            .Concat(SizeOrUnset(root, "Memory:MinFreeSystemMemory", o.Memory.MinFreeSystemMemory)))
        {
            yield return error;
        }

        if (!Enum.IsDefined(o.Restart.Policy))
            yield return NotOneOf($"{root}:Restart:Policy", o.Restart.Policy.ToString(), typeof(RestartPolicy));

        if (o.Health.Generation.Enabled && (string.IsNullOrWhiteSpace(o.Health.Generation.Path) || !o.Health.Generation.Path.StartsWith('/')))
            yield return $"{root}:Health:Generation:Path '{o.Health.Generation.Path}' must be a path on the server, starting with '/', e.g. \"/v1/chat/completions\".";

        foreach (var error in Health.FatalOutputMatcher.Problems(o.Health.FatalOutput, $"{root}:Health:FatalOutput"))
            yield return error;

        if (o.Restart.MaxDelay > TimeSpan.Zero && o.Restart.MaxDelay < o.Restart.InitialDelay)
            yield return $"{root}:Restart:MaxDelay '{o.Restart.MaxDelay:c}' is below {root}:Restart:InitialDelay '{o.Restart.InitialDelay:c}'.";

        if (o.Health.Interval > TimeSpan.Zero && o.Health.Timeout >= o.Health.Interval)
            yield return $"{root}:Health:Timeout '{o.Health.Timeout:c}' must be below {root}:Health:Interval '{o.Health.Interval:c}', or probes would overlap.";

        // Polly refuses a sampling window under half a second (CircuitBreakerStrategyOptions.SamplingDuration).
        if (o.CircuitBreaker.SamplingWindow > TimeSpan.Zero && o.CircuitBreaker.SamplingWindow < TimeSpan.FromMilliseconds(500))
            yield return $"{root}:CircuitBreaker:SamplingWindow '{o.CircuitBreaker.SamplingWindow:c}' is below the minimum of 00:00:00.5.";
    }

    /// <summary>The daemon's own sections: Proxy, Status and Notify.</summary>
    /// <param name="checkServerAddress">The single server's Health:Url must not be the front door's own address; a fleet checks each server's.</param>
    internal static IEnumerable<string> DaemonSections(SupervisorOptions o, bool checkServerAddress) =>
        ProxyOptionsRules.Check(o, checkServerAddress).Concat(Status.StatusOptionsChecks.Collect(o.Status)).Concat(Notify.NotifyOptionsChecks.Collect(o.Notify));

    /// <summary>"Supervisor:Server:Adopt 'Maybe' is not IfSame or Never."</summary>
    internal static string NotOneOf(string key, string value, Type enumType)
    {
        var names = Enum.GetNames(enumType);
        var choices = names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
        return $"{key} '{value}' is not {choices}.";
    }

    internal static IEnumerable<string> Positive(string root, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            yield return $"{root}:{key} '{value:c}' must be a positive time span (hh:mm:ss).";
    }

    internal static IEnumerable<string> SizeOrUnset(string root, string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !ByteSize.TryParse(value, out _))
            yield return $"{root}:{key} '{value}' is not a size; write it like \"100GB\" or \"512MB\", or leave it out for no limit.";
    }

    internal static IEnumerable<string> AtLeastOne(string root, string key, int value)
    {
        if (value < 1)
            yield return $"{root}:{key} '{value}' must be at least 1.";
    }
}
