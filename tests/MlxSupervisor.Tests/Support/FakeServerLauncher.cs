using Microsoft.Extensions.Time.Testing;
using MlxSupervisor.Process;

namespace MlxSupervisor.Tests.Support;

/// <summary>A launcher whose processes live and die when the test says, in fake time.</summary>
/// <param name="firstPid">The pid of its first process: several launchers of one spec (a fleet) give theirs apart.</param>
public sealed class FakeServerLauncher(FakeTimeProvider time, int firstPid = 1001) : IServerLauncher
{
    private readonly List<FakeServerProcess> _started = [];
    private int _nextPid = firstPid - 1;

    /// <summary>Decides what each new process does; by default it keeps running.</summary>
    public Action<FakeServerProcess> OnStart { get; set; } = _ => { };

    public string? FailWith { get; set; }

    public IReadOnlyList<FakeServerProcess> Started
    {
        get
        {
            lock (_started)
                return [.. _started];
        }
    }

    /// <remarks>Completes at once, as the spawn it stands for: the supervisor goes on without yielding, as on fake time it must.</remarks>
    public Task<IServerProcess> StartAsync(ServerLaunchSpec spec, CancellationToken cancellationToken)
    {
        if (FailWith is not null)
            return Task.FromException<IServerProcess>(new ServerStartException(FailWith));
        var process = new FakeServerProcess(Interlocked.Increment(ref _nextPid), time);
        lock (_started)
            _started.Add(process);
        OnStart(process);
        return Task.FromResult<IServerProcess>(process);
    }
}

public sealed class FakeServerProcess(int pid, TimeProvider time) : IServerProcess
{
    private readonly TaskCompletionSource<ServerExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _fatalLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Pid { get; } = pid;

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public Task<ServerExit> Exited => _exited.Task;

    public IReadOnlyList<string> RecentStderr => Stderr;

    /// <summary>What <see cref="RecentStderr"/> says; a Python traceback by default.</summary>
    public IReadOnlyList<string> Stderr { get; set; } = ["Traceback (most recent call last):", "MemoryError"];

    public Task<string> FatalLine => _fatalLine.Task;

    /// <summary>The server prints a line that matched Health:FatalOutput.</summary>
    public void PrintFatal(string line) => _fatalLine.TrySetResult(line);

    public int StopCalls { get; private set; }

    public void Exit(int code) => _exited.TrySetResult(new ServerExit(code, time.GetUtcNow()));

    /// <summary>The process was reaped at <paramref name="at"/>, before now: as a real one is, ahead of the cleanup after it.</summary>
    public void ExitedAt(int code, DateTimeOffset at) => _exited.TrySetResult(new ServerExit(code, at));

    public Task<StopOutcome> StopAsync(TimeSpan gracePeriod)
    {
        StopCalls++;
        Exit(143);
        return Task.FromResult(new StopOutcome(false, TimeSpan.Zero, _exited.Task.Result, []));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
