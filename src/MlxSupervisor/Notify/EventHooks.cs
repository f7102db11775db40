using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Notify;

/// <summary>
/// Runs the Notify hook for each event worth telling, one at a time, off the supervision path: the supervisor
/// only drops the event into a bounded queue. If hooks fall behind, the oldest waiting events are dropped, so
/// the latest news (a circuit opening after a string of restarts) still gets out.
/// </summary>
public sealed partial class EventHooks : BackgroundService
{
    private const int QueueCapacity = 32;

    private readonly SupervisorStatus _status;
    private readonly HookRunner _runner;
    private readonly ILogger _logger;
    private readonly Channel<HookEvent> _queue;

    public EventHooks(NotifyOptions options, SupervisorStatus status, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _status = status;
        _logger = loggerFactory.CreateLogger("MlxSupervisor.Notify");
        _runner = new HookRunner(options, time, _logger);
        _queue = Channel.CreateBounded<HookEvent>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => Log.Dropped(_logger, dropped.Event, dropped.At));

        // Subscribed here, not in ExecuteAsync, so no event between the supervisor's start and this one's is missed.
        _status.EventRecorded += OnEvent;
    }

    public override void Dispose()
    {
        _status.EventRecorded -= OnEvent;
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var e in _queue.Reader.ReadAllAsync(stoppingToken))
                await _runner.RunAsync(e, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void OnEvent(SupervisorEvent e)
    {
        if (HookEventSource.Observe(e, _status.Current) is { } hook)
            _queue.Writer.TryWrite(hook);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 606, EventName = "HookEventDropped", Level = LogLevel.Warning,
            Message = "Notify hook for {Event} at {At:O} dropped: hooks are running behind")]
        public static partial void Dropped(ILogger logger, string @event, DateTimeOffset at);
    }
}
