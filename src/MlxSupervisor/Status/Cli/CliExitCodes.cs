namespace MlxSupervisor.Status.Cli;

/// <summary>Exit codes of the status and control verbs; invalid settings exit 78 as the daemon does.</summary>
public static class CliExitCodes
{
    /// <summary>status: the server is Running. restart/stop/start: the daemon took the request.</summary>
    public const int Ok = 0;

    /// <summary>status: the daemon answered but the server is not Running. restart/stop/start: refused (no or wrong token).</summary>
    public const int NotRunningOrRefused = 1;

    /// <summary>The daemon could not be reached.</summary>
    public const int Unreachable = 2;
}
