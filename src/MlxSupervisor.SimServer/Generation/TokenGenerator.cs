using System.Runtime.CompilerServices;
using MlxSupervisor.SimServer.Options;

namespace MlxSupervisor.SimServer.Generation;

/// <summary>Produces tokens at the configured pace, and stalls where <c>--stall-after-tokens</c> says.</summary>
internal sealed class TokenGenerator(SimOptions options, TimeProvider time)
{
    public int CountFor(CompletionRequest request) =>
        request.MaxTokens is { } max ? Math.Min(max, options.Tokens) : options.Tokens;

    public async IAsyncEnumerable<string> GenerateAsync(int count,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < count; sent++)
        {
            await StallIfDueAsync(sent, cancellationToken);
            if (options.TokenDelayMs > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(options.TokenDelayMs), time, cancellationToken);
            yield return TokenText.At(sent);
        }

        // Stalling here too means "--stall-after-tokens N" with exactly N tokens still never finishes.
        await StallIfDueAsync(count, cancellationToken);
    }

    // A wedged generation thread: the connection stays open and nothing more is sent, until the client leaves.
    private Task StallIfDueAsync(int sent, CancellationToken cancellationToken) =>
        options.StallAfterTokens == sent
            ? Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken)
            : Task.CompletedTask;
}
