using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace MlxSupervisor.Configuration;

/// <summary>Binds and validates the <c>Supervisor</c> section, turning every problem into a readable line.</summary>
public static class SupervisorSettings
{
    /// <exception cref="SettingsException">One or more keys hold values the supervisor cannot use.</exception>
    public static SupervisorOptions Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(SupervisorOptions.SectionName);
        var status = configuration.GetSection(Status.StatusOptions.SectionName);
        var notify = configuration.GetSection(Notify.NotifyOptions.SectionName);
        var isFleet = FleetSettings.IsFleet(section);
        var errors = UnparsableScalars(section, typeof(SupervisorOptions))
            .Concat(UnparsableScalars(status, typeof(Status.StatusOptions)))
            .Concat(UnparsableScalars(notify, typeof(Notify.NotifyOptions)))
            .Concat(isFleet ? FleetSettings.Shapes(section).SelectMany(s => UnparsableScalars(s.Section, s.Type)) : [])
            .ToList();
        if (errors.Count > 0)
            throw new SettingsException(errors);

        var options = new SupervisorOptions();
        section.Bind(options);
        status.Bind(options.Status);
        notify.Bind(options.Notify);
        if (!isFleet)
        {
            var result = new SupervisorOptionsValidator().Validate(null, options);
            if (result.Failed)
                throw new SettingsException(result.Failures.ToList());
            options.Servers = [FleetSettings.Single(options)];
            return options;
        }

        errors.AddRange(SupervisorOptionsValidator.ServerSections(options, SupervisorOptions.SectionName, isServer: false)
            .Concat(SupervisorOptionsValidator.DaemonSections(options, checkServerAddress: false)));
        var (servers, fleetErrors) = FleetSettings.Load(section, options, ServerSetByUser(configuration), EmptyLists(configuration));
        errors.AddRange(fleetErrors);
        if (errors.Count > 0)
            throw new SettingsException(errors);
        options.Servers = servers;
        return options;
    }

    /// <summary>
    /// Whether a top-level Server was written by the person running the daemon: in a file after the shipped defaults,
    /// whose own Server is the single server's default, or in an environment variable.
    /// </summary>
    private static bool ServerSetByUser(IConfiguration configuration)
    {
        const string server = SupervisorOptions.SectionName + ":Server";
        if (configuration is not IConfigurationRoot root)
            return configuration.GetSection(server).GetChildren().Any();
        foreach (var provider in root.Providers)
        {
            var set = provider is LayeredJsonConfigurationProvider layered
                ? layered.KeysBeyondDefaults.Any(k => k.StartsWith(server + ":", StringComparison.OrdinalIgnoreCase))
                : provider.GetChildKeys([], server).Any();
            if (set)
                return true;
        }
        return false;
    }

    private static IReadOnlySet<string> EmptyLists(IConfiguration configuration) =>
        (configuration as IConfigurationRoot)?.Providers.OfType<LayeredJsonConfigurationProvider>().FirstOrDefault()?.EmptyLists
            ?? new HashSet<string>();

    /// <summary>
    /// The binder's own message for "5x" in a TimeSpan names the key but not the value, and stops at the
    /// first one; checking each scalar first reports them all, each with what was written.
    /// </summary>
    private static IEnumerable<string> UnparsableScalars(IConfigurationSection section, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var child = section.GetSection(property.Name);
            var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (t == typeof(TimeSpan))
            {
                if (child.Value is { } raw && !TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out _))
                    yield return $"{child.Path} '{raw}' is not a time span; write it as hh:mm:ss, e.g. \"00:00:10\".";
            }
            else if (t == typeof(int))
            {
                if (child.Value is { } raw && !int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                    yield return $"{child.Path} '{raw}' is not a whole number.";
            }
            else if (t == typeof(bool))
            {
                if (child.Value is { } raw && !bool.TryParse(raw, out _))
                    yield return $"{child.Path} '{raw}' is not true or false.";
            }
            else if (t.IsEnum)
            {
                // The binder takes a number or "IfSame, Never" as well as a name, and throws for anything else;
                // only a name, in any case, is a setting.
                if (child.Value is { } raw && !Enum.GetNames(t).Contains(raw.Trim(), StringComparer.OrdinalIgnoreCase))
                    yield return SupervisorOptionsValidator.NotOneOf(child.Path, raw, t);
            }
            else if (t.IsClass && t != typeof(string) && t.Namespace == typeof(SupervisorOptions).Namespace)
            {
                foreach (var error in UnparsableScalars(child, t))
                    yield return error;
            }
        }
    }
}
