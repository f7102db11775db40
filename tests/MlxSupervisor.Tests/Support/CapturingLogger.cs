using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Tests.Support;

/// <summary>Keeps every formatted log line, so a test can assert on what an operator would read.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    public bool Contains(string fragment) => _lines.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public string Dump() => string.Join(Environment.NewLine, _lines.TakeLast(60));

    private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"[{logLevel}] {formatter(state, exception)}");
    }
}

public static class CapturingLoggerProviderExtensions
{
    /// <summary>Waits, bounded, for a line containing <paramref name="fragment"/>.</summary>
    public static async Task<string> WaitFor(this CapturingLoggerProvider logs, string fragment, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timeouts.Wait);
        while (true)
        {
            var line = logs.Lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No log line with '{fragment}':\n{logs.Dump()}");
            await Task.Delay(20);
        }
    }
}
