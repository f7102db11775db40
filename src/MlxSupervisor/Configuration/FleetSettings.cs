using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace MlxSupervisor.Configuration;

/// <summary>
/// Builds the fleet of <c>Supervisor:Servers</c>: each entry's sections laid over the top-level ones, which are its
/// defaults, then checked as a server and against the others (a model or a port listed twice, a default server that
/// is not there, AtBoot estimates over the budget). Every problem is one line naming its keys.
/// </summary>
public static partial class FleetSettings
{
    public const string SectionName = "Servers";

    /// <summary>The sections an entry may lay over the top-level ones; the rest of <c>Supervisor</c> is the daemon's alone.</summary>
    private static readonly string[] ServerSections = ["Server", "Health", "Restart", "CircuitBreaker", "Shutdown", "Memory"];

    private static readonly string[] DaemonSections = ["Servers", "Fleet", "Server", "State", "Proxy"];

    [GeneratedRegex("^[a-z0-9-]+$")]
    private static partial Regex NamePattern();

    /// <summary>True when the settings name their servers.</summary>
    public static bool IsFleet(IConfigurationSection supervisor) => supervisor.GetSection(SectionName).GetChildren().Any();

    /// <summary>The shapes of an entry's keys, for the pre-check of values that do not parse (a time span, a number...).</summary>
    internal static IEnumerable<(IConfigurationSection Section, Type Type)> Shapes(IConfigurationSection supervisor)
    {
        foreach (var entry in supervisor.GetSection(SectionName).GetChildren())
        {
            yield return (entry, typeof(ServerEntryOptions));
            foreach (var name in ServerSections)
                yield return (entry.GetSection(name), typeof(SupervisorOptions).GetProperty(name)!.PropertyType);
        }
    }

    /// <param name="top">The top-level settings, bound and with their own sections checked: the defaults of every entry.</param>
    /// <param name="serverSetByUser">The top-level Server was written by the person running the daemon, not only shipped.</param>
    /// <param name="emptyLists">Lists written as <c>[]</c> (see <see cref="LayeredJsonConfigurationProvider.EmptyLists"/>).</param>
    public static (IReadOnlyList<ServerSettings> Servers, IReadOnlyList<string> Errors) Load(IConfigurationSection supervisor, SupervisorOptions top,
        bool serverSetByUser, IReadOnlySet<string> emptyLists)
    {
        var errors = new List<string>();
        var root = supervisor.Path;
        if (serverSetByUser)
            errors.Add($"{root}:Server is set, but with {root}:{SectionName} each server has its own: move it into {root}:{SectionName}:<name>:Server.");

        var defaults = ConfigurationOverlay.Flatten(supervisor);
        foreach (var key in defaults.Keys.Where(k => DaemonSections.Any(d => k.Equals(d, StringComparison.OrdinalIgnoreCase)
            || k.StartsWith(d + ":", StringComparison.OrdinalIgnoreCase))).ToList())
            defaults.Remove(key);
        var defaultErrors = SupervisorOptionsValidator.ServerSections(top, root, isServer: false).ToHashSet(StringComparer.Ordinal);

        var servers = new List<ServerSettings>();
        foreach (var entry in supervisor.GetSection(SectionName).GetChildren())
        {
            var prefix = entry.Path;
            if (!NamePattern().IsMatch(entry.Key))
                errors.Add($"{prefix} '{entry.Key}' is not a server name: use lower-case letters, digits and '-', e.g. \"coder\".");

            var own = new ServerEntryOptions();
            entry.Bind(own);
            var options = new SupervisorOptions();
            new ConfigurationBuilder().AddInMemoryCollection(ConfigurationOverlay.Lay(defaults, entry, emptyLists)).Build().Bind(options);
            // The front door's settings, with this server's own limit on requests at once.
            options.Proxy = new ProxyOptions
            {
                Enabled = top.Proxy.Enabled,
                Listen = top.Proxy.Listen,
                MaxConcurrentRequests = own.MaxConcurrentRequests ?? top.Proxy.MaxConcurrentRequests,
                QueueLimit = top.Proxy.QueueLimit,
                QueueTimeout = top.Proxy.QueueTimeout,
                StallTimeout = top.Proxy.StallTimeout,
            };
            options.State = top.State;
            options.Status = top.Status;
            options.Notify = top.Notify;
            options.Fleet = top.Fleet;

            if (entry.GetSection("Health:Url").Value is null)
                errors.Add($"{prefix}:Health:Url is missing: each server has its own, on a port of its own.");
            if (own.Models.Count == 0 || own.Models.Any(string.IsNullOrWhiteSpace))
                errors.Add($"{prefix}:Models must list at least one model name, e.g. [\"qwen2.5-coder:32b\"].");
            // An inherited problem is reported once, under the top-level key the person wrote.
            errors.AddRange(SupervisorOptionsValidator.ServerSections(options, prefix, isServer: true)
                .Where(e => !defaultErrors.Contains(e.Replace(prefix + ":", root + ":", StringComparison.Ordinal))));
            errors.AddRange(EntryProblems(prefix, own, top));

            servers.Add(new ServerSettings
            {
                Name = entry.Key,
                Models = [.. own.Models],
                Start = own.Start,
                IdleTimeout = own.IdleTimeout,
                MemoryEstimateBytes = ByteSize.TryParse(own.MemoryEstimate, out var estimate) ? estimate : null,
                MaxConcurrentRequests = own.MaxConcurrentRequests ?? top.Proxy.MaxConcurrentRequests,
                Options = options,
                KeyPrefix = prefix,
            });
        }

        errors.AddRange(FleetProblems(root, servers, top));
        return (servers, errors);
    }

    /// <summary>The one server of the settings without <c>Servers</c>: it serves every model, with the top-level sections.</summary>
    public static ServerSettings Single(SupervisorOptions top) => new()
    {
        Name = ServerSettings.DefaultName,
        Models = [],
        MaxConcurrentRequests = top.Proxy.MaxConcurrentRequests,
        Options = top,
        KeyPrefix = SupervisorOptions.SectionName,
    };

    private static IEnumerable<string> EntryProblems(string prefix, ServerEntryOptions own, SupervisorOptions top)
    {
        if (!Enum.IsDefined(own.Start))
            yield return SupervisorOptionsValidator.NotOneOf($"{prefix}:Start", own.Start.ToString(), typeof(ServerStart));
        if (own.IdleTimeout is { } idle && own.Start == ServerStart.AtBoot)
            yield return $"{prefix}:IdleTimeout '{idle:c}' applies to OnDemand servers only, and this one starts AtBoot.";
        if (own.IdleTimeout is { } positive)
        {
            foreach (var error in SupervisorOptionsValidator.Positive(prefix, "IdleTimeout", positive))
                yield return error;
        }
        foreach (var error in SupervisorOptionsValidator.SizeOrUnset(prefix, "MemoryEstimate", own.MemoryEstimate))
            yield return error;
        if (top.Fleet.MemoryBudget is { Length: > 0 } && string.IsNullOrWhiteSpace(own.MemoryEstimate))
            yield return $"{prefix}:MemoryEstimate is missing: with {SupervisorOptions.SectionName}:Fleet:MemoryBudget set, each server says what it holds once loaded, e.g. \"20GB\".";
        if (own.MaxConcurrentRequests is { } max)
        {
            foreach (var error in SupervisorOptionsValidator.AtLeastOne(prefix, "MaxConcurrentRequests", max))
                yield return error;
        }
    }

    private static IEnumerable<string> FleetProblems(string root, List<ServerSettings> servers, SupervisorOptions top)
    {
        var fleet = $"{root}:Fleet";
        var byModel = new Dictionary<string, ServerSettings>(StringComparer.OrdinalIgnoreCase);
        foreach (var server in servers)
        {
            foreach (var model in server.Models.Where(m => !string.IsNullOrWhiteSpace(m)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (byModel.TryGetValue(model, out var first))
                    yield return $"{server.KeyPrefix}:Models '{model}' is also listed under {first.KeyPrefix}:Models: a model is served by one server.";
                else
                    byModel[model] = server;
            }
        }

        var listen = top.Proxy.Enabled ? ProxyOptionsRules.ListenEndPoint(top.Proxy.Listen) : null;
        var byPort = new Dictionary<int, ServerSettings>();
        foreach (var server in servers)
        {
            if (!Uri.TryCreate(server.Options.Health.Url, UriKind.Absolute, out var url))
                continue;
            if (byPort.TryGetValue(url.Port, out var first))
                yield return $"{server.KeyPrefix}:Health:Url '{server.Options.Health.Url}' is on port {url.Port}, as {first.KeyPrefix}:Health:Url is: each server needs a port of its own.";
            else
                byPort[url.Port] = server;
            if (listen is not null && url.Port == listen.Port && ProxyOptionsRules.SameHost(url.Host, listen.Host))
                yield return $"{server.KeyPrefix}:Health:Url '{server.Options.Health.Url}' is the front door's own address ({root}:Proxy:Listen '{top.Proxy.Listen}'): give the server a private port.";
        }

        if (top.Fleet.DefaultServer is { Length: > 0 } named && servers.All(s => s.Name != named))
            yield return $"{fleet}:DefaultServer '{named}' names no server; the servers are {string.Join(", ", servers.Select(s => s.Name))}.";

        foreach (var error in SupervisorOptionsValidator.SizeOrUnset(fleet, "MemoryBudget", top.Fleet.MemoryBudget)
            .Concat(SupervisorOptionsValidator.Positive(fleet, "MinResidency", top.Fleet.MinResidency)))
            yield return error;
        if (!Enum.IsDefined(top.Fleet.Strategy))
            yield return SupervisorOptionsValidator.NotOneOf($"{fleet}:Strategy", top.Fleet.Strategy.ToString(), typeof(FleetStrategy));

        if (top.Fleet.MemoryBudgetBytes is { } budget)
        {
            var atBoot = servers.Where(s => s.Start == ServerStart.AtBoot && s.MemoryEstimateBytes is not null).ToList();
            var total = atBoot.Sum(s => s.MemoryEstimateBytes!.Value);
            if (total > budget)
                yield return $"{fleet}:MemoryBudget '{top.Fleet.MemoryBudget}' is below the AtBoot servers' MemoryEstimates together, {ByteSize.Format(total)} ("
                    + string.Join(" + ", atBoot.Select(s => $"{s.Name} {ByteSize.Format(s.MemoryEstimateBytes!.Value)}")) + "): they could not all run at once.";
        }
    }
}
