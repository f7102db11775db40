using System.Runtime.CompilerServices;
using MlxSupervisor.SimServer.Options;

namespace MlxSupervisor.SimServer.Generation;

/// <summary>
/// Produces tokens at the configured pace, and stalls where <c>--stall-after-tokens</c> says or when the
/// generation thread has died.
/// </summary>
internal sealed class TokenGenerator(SimOptions options, GenerationThread thread, TimeProvider time)
{
    private const string Stopped = "stop";
    private const string CutAtMaxTokens = "length";

    public int CountFor(CompletionRequest request) =>
        request.MaxTokens is { } max ? Math.Min(max, options.Tokens) : options.Tokens;

    /// <summary>
    /// "length" when <c>max_tokens</c> ended the answer, "stop" when the model did. The sim's answer is
    /// <c>--tokens</c> long and its end-of-sequence token would come next, so <c>max_tokens</c> equal to
    /// <c>--tokens</c> is reached first, as in mlx-lm's generate loop.
    /// </summary>
    public string FinishReasonFor(CompletionRequest request) =>
        request.MaxTokens is { } max && max <= options.Tokens ? CutAtMaxTokens : Stopped;

    /// <summary>
    /// Prompt processing: <c>--keepalive-comments</c> steps of one token delay each, each reported the way
    /// mlx_lm's <c>progress_callback</c> reports prefill progress (processed, total).
    /// </summary>
    public async Task ProcessPromptAsync(Func<int, int, Task> progress, CancellationToken cancellationToken)
    {
        var total = options.KeepaliveComments;
        for (var processed = 1; processed <= total; processed++)
        {
            await DelayAsync(cancellationToken);
            await thread.HangIfDeadAsync(cancellationToken);
            await progress(processed, total);
        }
    }

    public async IAsyncEnumerable<string> GenerateAsync(int count,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < count; sent++)
        {
            await StallIfDueAsync(sent, cancellationToken);
            await DelayAsync(cancellationToken);
            await thread.HangIfDeadAsync(cancellationToken);
            yield return TokenText.At(sent);
        }

        // Stalling here too means "--stall-after-tokens N" with exactly N tokens still never finishes, and a
        // thread that died during the last token sends no end.
        await StallIfDueAsync(count, cancellationToken);
        await thread.HangIfDeadAsync(cancellationToken);
    }

    private Task DelayAsync(CancellationToken cancellationToken) =>
        options.TokenDelayMs > 0
            ? Task.Delay(TimeSpan.FromMilliseconds(options.TokenDelayMs), time, cancellationToken)
            : Task.CompletedTask;

    // A wedged generation thread: the connection stays open and nothing more is sent, until the client leaves.
    private Task StallIfDueAsync(int sent, CancellationToken cancellationToken) =>
        options.StallAfterTokens == sent
            ? Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken)
            : Task.CompletedTask;
}
