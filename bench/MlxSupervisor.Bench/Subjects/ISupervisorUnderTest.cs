using MlxSupervisor.Bench.Logs;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>A supervisor the bench measures, seen through its log: when it spawned, saw an exit, and counted the server up.</summary>
internal interface ISupervisorUnderTest : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The supervisor's own process, for its memory and CPU.</summary>
    int Pid { get; }

    LogStream Log { get; }

    /// <returns>The pid of the server a spawn line names, or null for any other line.</returns>
    int? SpawnedPid(LogLine line);

    bool IsExit(LogLine line);

    /// <summary>The supervisor counts the server as up: the daemon's ResetAfter or supervisord's startsecs has passed.</summary>
    bool IsUp(LogLine line);

    /// <summary>Stops the supervisor (SIGTERM) and with it the server, and waits for it to exit.</summary>
    Task<int?> StopAsync();
}
