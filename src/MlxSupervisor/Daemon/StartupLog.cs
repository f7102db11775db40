using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Daemon;

/// <summary>What the daemon logs once as it starts.</summary>
internal static partial class StartupLog
{
    /// <param name="settings">Redacted by <see cref="Configuration.RedactedSettings"/>.</param>
    [LoggerMessage(EventId = 85, EventName = "EffectiveSettings", Level = LogLevel.Information,
        Message = "Starting with state directory {StateDirectory} and settings {Settings}")]
    public static partial void Settings(ILogger logger, string stateDirectory, string settings);
}
