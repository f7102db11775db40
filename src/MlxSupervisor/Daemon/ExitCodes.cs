namespace MlxSupervisor.Daemon;

/// <summary>The daemon's exit codes, from sysexits.h where one fits.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>EX_SOFTWARE: the daemon itself failed.</summary>
    public const int Fault = Fleet.FleetHostedService.FaultExitCode;

    /// <summary>
    /// EX_UNAVAILABLE: the front door cannot bind Proxy:Listen, or the status endpoint Status:Listen, usually because
    /// another process holds the port.
    /// </summary>
    public const int CannotListen = 69;

    /// <summary>EX_TEMPFAIL: another daemon holds the state directory.</summary>
    public const int AlreadyRunning = 75;

    /// <summary>EX_CONFIG: the settings are invalid. Restarting cannot fix that, so service managers should not.</summary>
    public const int InvalidConfig = 78;
}
