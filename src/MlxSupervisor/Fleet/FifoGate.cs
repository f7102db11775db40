namespace MlxSupervisor.Fleet;

/// <summary>
/// One holder at a time, in the order they asked: the starts that wait for room are served first in, first out, which
/// SemaphoreSlim does not promise.
/// </summary>
internal sealed class FifoGate
{
    private readonly Queue<TaskCompletionSource> _waiting = new();
    private readonly Lock _lock = new();
    private bool _held;

    /// <returns>Dispose it to let the next one in.</returns>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return new Holder(this);
            }
            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(turn);
        }
        try
        {
            await turn.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Given up: if the turn came meanwhile, pass it on rather than lose it.
            if (!turn.TrySetCanceled())
                Exit();
            throw;
        }
        return new Holder(this);
    }

    private void Exit()
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                    return;
            }
            _held = false;
        }
    }

    private sealed class Holder(FifoGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                gate.Exit();
        }
    }
}
