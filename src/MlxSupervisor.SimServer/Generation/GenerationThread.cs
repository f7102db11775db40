using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// The generation thread of <c>mlx_lm.server</c> 0.31.3 and later (server.py, <c>ResponseGenerator._generate</c>):
/// it loads the model only after the port has opened, takes completions once it has loaded, and can die while
/// the HTTP threads live on, so <c>/health</c> and <c>/v1/models</c> keep answering 200 (issue 12; mlx-lm #1505,
/// #1472, #1672, #1909).
/// </summary>
internal sealed class GenerationThread(SimOptions options, SimConsole console, TimeProvider time)
{
    // Null once the model has loaded, or the reason the load failed.
    private readonly TaskCompletionSource<string?> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completed;
    private int _dead;

    private bool IsDead => Volatile.Read(ref _dead) == 1;

    /// <summary>Loads "the model": started when the server begins to listen, ends with the process.</summary>
    public async Task LoadAsync(CancellationToken stopping)
    {
        if (options.NeverLoads)
            return;
        if (options.LoadMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(options.LoadMs), time, stopping);

        if (options.LoadFails is { } reason)
        {
            console.Error($"sim: model failed to load: {reason}");
            _loaded.SetResult(reason);
            return;
        }

        _loaded.SetResult(null);
        if (options.GenerationDiesAfter == 0)
            Die();
    }

    /// <summary>
    /// Waits, as server.py's <c>generate()</c> does on its response queue, until the thread has taken the
    /// request. Nothing, not even the headers, may be sent before: a request queued behind a load, or to a dead
    /// thread, gets no byte at all.
    /// </summary>
    /// <returns>Null once the thread took the request; the load's failure, which server.py answers with 404.</returns>
    public async Task<string?> TakeAsync(CancellationToken aborted)
    {
        var failure = await _loaded.Task.WaitAsync(aborted);
        if (failure is null)
            await HangIfDeadAsync(aborted);
        return failure;
    }

    /// <summary>A dead thread produces nothing more: the caller waits until its client gives up.</summary>
    public Task HangIfDeadAsync(CancellationToken aborted) =>
        IsDead ? Task.Delay(Timeout.InfiniteTimeSpan, time, aborted) : Task.CompletedTask;

    /// <summary>One completion was answered whole; the N-th is the last this thread will answer.</summary>
    public void Completed()
    {
        if (Interlocked.Increment(ref _completed) == options.GenerationDiesAfter)
            Die();
    }

    private void Die()
    {
        if (Interlocked.Exchange(ref _dead, 1) == 1)
            return;
        // Python prints an uncaught thread exception with threading.excepthook; a silent hang prints nothing
        // at all (mlx-lm #1834, #1493).
        if (!options.SilentDeath)
            console.Error(ThreadDeathTraceback.Text);
    }
}
