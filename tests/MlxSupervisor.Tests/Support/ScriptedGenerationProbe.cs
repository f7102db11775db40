using System.Collections.Concurrent;
using MlxSupervisor.Health;

namespace MlxSupervisor.Tests.Support;

/// <summary>
/// A generation probe that answers as the test says: a first token at once (the default), a refusal, or, like a
/// server whose generation thread died, nothing until its timeout on the harness's clock.
/// </summary>
public sealed class ScriptedGenerationProbe(TimeProvider time) : IGenerationProbe
{
    private readonly ConcurrentQueue<(DateTimeOffset At, TimeSpan Timeout, string? Model, Uri Url)> _sent = new();
    private TaskCompletionSource? _release;

    /// <summary>When set, every probe waits out its timeout and then reports no token.</summary>
    public volatile bool Hangs;

    /// <summary>When set, every probe is refused with this status and text, as mlx_lm.server refuses when its model failed to load.</summary>
    public (int Status, string Text)? Refusal { get; set; }

    public int Probes => _sent.Count;

    public IReadOnlyList<(DateTimeOffset At, TimeSpan Timeout, string? Model, Uri Url)> Sent => [.. _sent];

    /// <summary>Holds every probe until <see cref="Release"/>: the model is still loading.</summary>
    public void Hold() => Volatile.Write(ref _release, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Volatile.Read(ref _release)?.TrySetResult();

    public Task<GenerationProbeResult> ProbeAsync(Uri url, string? model, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = AnswerAsync(timeout, Volatile.Read(ref _release)?.Task, cancellationToken);
        _sent.Enqueue((time.GetUtcNow(), timeout, model, url));
        return answer;
    }

    private async Task<GenerationProbeResult> AnswerAsync(TimeSpan timeout, Task? held, CancellationToken cancellationToken)
    {
        if (Hangs)
        {
            await Task.Delay(timeout, time, cancellationToken);
            return GenerationProbeResult.NoToken(timeout);
        }
        if (held is not null)
        {
            var deadline = Task.Delay(timeout, time, cancellationToken);
            if (await Task.WhenAny(held, deadline) == deadline)
            {
                await deadline;
                return GenerationProbeResult.NoToken(timeout);
            }
        }
        return Refusal is { } refusal
            ? GenerationProbeResult.Refused(TimeSpan.Zero, refusal.Status, $"HTTP {refusal.Status}: {refusal.Text}")
            : GenerationProbeResult.Ok(TimeSpan.Zero);
    }
}
