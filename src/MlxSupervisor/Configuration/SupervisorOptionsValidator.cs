using Microsoft.Extensions.Options;

namespace MlxSupervisor.Configuration;

/// <summary>
/// Refuses settings the supervisor cannot run with. Each failure is one line that names the full key
/// and the bad value, because the person reading it is editing appsettings.json by hand.
/// </summary>
public sealed class SupervisorOptionsValidator : IValidateOptions<SupervisorOptions>
{
    private const string Root = SupervisorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, SupervisorOptions options)
    {
        var errors = Collect(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> Collect(SupervisorOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.Server.Command))
            yield return $"{Root}:Server:Command is missing: set it to the server executable, e.g. \"mlx_lm.server\".";

        if (o.Server.WorkingDirectory is { Length: > 0 } dir && !Directory.Exists(dir))
            yield return $"{Root}:Server:WorkingDirectory '{dir}' does not exist.";

        if (!Enum.IsDefined(o.Server.Adopt))
            yield return NotOneOf($"{Root}:Server:Adopt", o.Server.Adopt.ToString(), typeof(ServerAdoption));

        if (!Uri.TryCreate(o.Health.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            yield return $"{Root}:Health:Url '{o.Health.Url}' is not an absolute http(s) URL.";

        foreach (var error in Positive("Health:Interval", o.Health.Interval)
            .Concat(Positive("Health:Timeout", o.Health.Timeout))
            .Concat(Positive("Health:StartupTimeout", o.Health.StartupTimeout))
            .Concat(Positive("Health:StartupProbeInterval", o.Health.StartupProbeInterval))
            .Concat(Positive("Health:Generation:Timeout", o.Health.Generation.Timeout))
            .Concat(Positive("Health:Generation:Interval", o.Health.Generation.Interval))
            .Concat(Positive("Restart:InitialDelay", o.Restart.InitialDelay))
            .Concat(Positive("Restart:MaxDelay", o.Restart.MaxDelay))
            .Concat(Positive("Restart:ResetAfter", o.Restart.ResetAfter))
            .Concat(Positive("CircuitBreaker:SamplingWindow", o.CircuitBreaker.SamplingWindow))
            .Concat(Positive("CircuitBreaker:BreakDuration", o.CircuitBreaker.BreakDuration))
            .Concat(Positive("Shutdown:GracePeriod", o.Shutdown.GracePeriod))
            .Concat(AtLeastOne("Health:FailureThreshold", o.Health.FailureThreshold))
            .Concat(AtLeastOne("CircuitBreaker:FailureThreshold", o.CircuitBreaker.FailureThreshold))
            .Concat(Positive("Memory:Interval", o.Memory.Interval))
            .Concat(AtLeastOne("Memory:Samples", o.Memory.Samples))
            .Concat(SizeOrUnset("Memory:MaxServerMemory", o.Memory.MaxServerMemory))
            .Concat(SizeOrUnset("Memory:MinFreeSystemMemory", o.Memory.MinFreeSystemMemory)))
        {
            yield return error;
        }

        if (o.Health.Generation.Enabled && (string.IsNullOrWhiteSpace(o.Health.Generation.Path) || !o.Health.Generation.Path.StartsWith('/')))
            yield return $"{Root}:Health:Generation:Path '{o.Health.Generation.Path}' must be a path on the server, starting with '/', e.g. \"/v1/chat/completions\".";

        foreach (var error in Health.FatalOutputMatcher.Problems(o.Health.FatalOutput, $"{Root}:Health:FatalOutput"))
            yield return error;

        if (o.Restart.MaxDelay > TimeSpan.Zero && o.Restart.MaxDelay < o.Restart.InitialDelay)
            yield return $"{Root}:Restart:MaxDelay '{o.Restart.MaxDelay:c}' is below {Root}:Restart:InitialDelay '{o.Restart.InitialDelay:c}'.";

        if (o.Health.Interval > TimeSpan.Zero && o.Health.Timeout >= o.Health.Interval)
            yield return $"{Root}:Health:Timeout '{o.Health.Timeout:c}' must be below {Root}:Health:Interval '{o.Health.Interval:c}', or probes would overlap.";

        // Polly refuses a sampling window under half a second (CircuitBreakerStrategyOptions.SamplingDuration).
        if (o.CircuitBreaker.SamplingWindow > TimeSpan.Zero && o.CircuitBreaker.SamplingWindow < TimeSpan.FromMilliseconds(500))
            yield return $"{Root}:CircuitBreaker:SamplingWindow '{o.CircuitBreaker.SamplingWindow:c}' is below the minimum of 00:00:00.5.";

        foreach (var error in ProxyOptionsRules.Check(o).Concat(Status.StatusOptionsChecks.Collect(o.Status)).Concat(Notify.NotifyOptionsChecks.Collect(o.Notify)))
            yield return error;
    }

    /// <summary>"Supervisor:Server:Adopt 'Maybe' is not IfSame or Never."</summary>
    internal static string NotOneOf(string key, string value, Type enumType)
    {
        var names = Enum.GetNames(enumType);
        var choices = names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
        return $"{key} '{value}' is not {choices}.";
    }

    private static IEnumerable<string> Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
            yield return $"{Root}:{key} '{value:c}' must be a positive time span (hh:mm:ss).";
    }

    private static IEnumerable<string> SizeOrUnset(string key, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value) && !ByteSize.TryParse(value, out _))
            yield return $"{Root}:{key} '{value}' is not a size; write it like \"100GB\" or \"512MB\", or leave it out for no limit.";
    }

    private static IEnumerable<string> AtLeastOne(string key, int value)
    {
        if (value < 1)
            yield return $"{Root}:{key} '{value}' must be at least 1.";
    }
}
