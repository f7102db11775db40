using System.Diagnostics;
using System.Globalization;
using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>Watching the exit of a process by pid, as for an adopted server (not a child whose reaping tells).</summary>
public sealed class PidfdExitWatcherSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly PidfdExitWatcher _watcher = new();
    private readonly List<System.Diagnostics.Process> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _started)
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private System.Diagnostics.Process Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        var process = System.Diagnostics.Process.Start(start)!;
        _started.Add(process);
        return process;
    }

    /// <summary>
    /// A process that is not the test's child, and that nobody reaps: a shell forks it, prints its pid, and becomes
    /// a sleep, which never waits for children. Killed, it stays a zombie until that sleep ends.
    /// </summary>
    private async Task<int> StartUnreapedGrandchild()
    {
        var parent = Start("/bin/sh", "-c", "sleep 60 & echo $!; exec sleep 60");
        var line = await parent.StandardOutput.ReadLineAsync().WaitAsync(Patience);
        return int.Parse(line!, CultureInfo.InvariantCulture);
    }

    /// <summary>The descriptors of this process that refer to <paramref name="pid"/> (pidfds say so in their fdinfo).</summary>
    private static int PidfdsOf(int pid) => Directory.GetFiles("/proc/self/fdinfo").Count(fd =>
    {
        try
        {
            return File.ReadLines(fd).Contains($"Pid:\t{pid}");
        }
        catch (IOException)
        {
            return false; // Closed while we looked.
        }
    });

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_wait_completes_when_the_process_is_killed()
    {
        var sleeper = Start("sleep", "60");
        var exit = _watcher.WaitForExitAsync(sleeper.Id, CancellationToken.None);
        exit.IsCompleted.Should().BeFalse("it still runs");

        sleeper.Kill();

        await exit.WaitAsync(Patience);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_process_that_dies_and_stays_a_zombie_counts_as_exited()
    {
        var pid = await StartUnreapedGrandchild();
        var exit = _watcher.WaitForExitAsync(pid, CancellationToken.None);
        exit.IsCompleted.Should().BeFalse("it still runs");

        NativeMethods.Kill(pid, Signals.SIGKILL);

        await exit.WaitAsync(Patience);
        ProcStat.TryRead(pid).Should().Match<ProcStat?>(s => s != null && s.Value.State == 'Z', "nobody has reaped it: it completed as a zombie");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Watching_a_process_that_is_already_a_zombie_completes_at_once()
    {
        var pid = await StartUnreapedGrandchild();
        NativeMethods.Kill(pid, Signals.SIGKILL);
        (await Eventually(() => ProcStat.TryRead(pid)?.State == 'Z')).Should().BeTrue("it should become a zombie");

        await _watcher.WaitForExitAsync(pid, CancellationToken.None).WaitAsync(Patience);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Watching_a_pid_that_no_process_has_completes_at_once()
    {
        var done = Start("true");
        await done.WaitForExitAsync();

        await _watcher.WaitForExitAsync(done.Id, CancellationToken.None).WaitAsync(Patience);
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_cancelled_wait_ends_as_cancelled_releases_its_pidfd_and_leaves_the_process_alone()
    {
        var sleeper = Start("sleep", "60");
        using var cancel = new CancellationTokenSource();
        var exit = _watcher.WaitForExitAsync(sleeper.Id, cancel.Token);
        PidfdsOf(sleeper.Id).Should().Be(1, "the watch holds one pidfd");

        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => exit.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
        PidfdsOf(sleeper.Id).Should().Be(0, "the pidfd is closed once the wait has ended");
        sleeper.HasExited.Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_wait_with_a_token_already_cancelled_ends_at_once()
    {
        var sleeper = Start("sleep", "60");

        var exit = _watcher.WaitForExitAsync(sleeper.Id, new CancellationToken(canceled: true));

        await FluentActions.Awaiting(() => exit.WaitAsync(Patience)).Should().ThrowAsync<OperationCanceledException>();
        sleeper.HasExited.Should().BeFalse();
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_completed_wait_releases_its_pidfd()
    {
        var sleeper = Start("sleep", "60");
        var exit = _watcher.WaitForExitAsync(sleeper.Id, CancellationToken.None);

        sleeper.Kill();
        await exit.WaitAsync(Patience);

        PidfdsOf(sleeper.Id).Should().Be(0);
    }

    private static async Task<bool> Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(10);
        }
        return true;
    }
}
