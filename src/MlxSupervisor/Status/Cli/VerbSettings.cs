using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Daemon;

namespace MlxSupervisor.Status.Cli;

/// <summary>The verbs read the same layers as the daemon (shipped defaults, --demo, --config, environment) and check them the same way.</summary>
internal static class VerbSettings
{
    /// <returns>Null after printing the problems, one per line, as the daemon prints them.</returns>
    public static SupervisorOptions? Load(string? configPath, bool demo, TextWriter error)
    {
        try
        {
            var configuration = new ConfigurationManager();
            DaemonSettings.AddLayers(configuration, configPath, demo);
            return SupervisorSettings.Load(configuration);
        }
        catch (SettingsException e)
        {
            DaemonSettings.ReportInvalid(e, error);
            return null;
        }
    }
}
