using System.Text.Json.Serialization;

namespace MlxSupervisor.Configuration;

/// <summary>
/// What the daemon does at start-up when the server's port is already held: <c>Supervisor:Server:Adopt</c>
/// (issue 12, item 7; the seed's rule is to start the server only if it does not already answer).
/// </summary>
/// <remarks>Written by name, as in appsettings.json, in the settings the daemon logs at start-up.</remarks>
[JsonConverter(typeof(JsonStringEnumConverter<ServerAdoption>))]
public enum ServerAdoption
{
    /// <summary>Supervise the process that holds the port when it runs the configured command and arguments
    /// and answers <c>Health:Url</c> with a 2xx; refuse to start a second server otherwise.</summary>
    IfSame,

    /// <summary>Never take over a running process: name the holder of the port and back off.</summary>
    Never,
}
