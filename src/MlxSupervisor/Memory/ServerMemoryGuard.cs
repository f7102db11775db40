using Microsoft.Extensions.Logging;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Memory;

/// <summary>
/// Samples the server's memory every <c>Memory:Interval</c>. Above <c>Memory:MaxServerMemory</c> for
/// <c>Memory:Samples</c> samples in a row, it asks the supervisor for a graceful restart that counts as a
/// failure, so a server that keeps growing backs off and trips the circuit like one that crashes. It also
/// warns when the system's available memory falls below <c>Memory:MinFreeSystemMemory</c>.
/// </summary>
public sealed partial class ServerMemoryGuard
{
    private readonly ServerSupervisor _supervisor;
    private readonly IServerMemoryReader _reader;
    private readonly Func<SupervisorOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private int? _pid;
    private int _over;
    private bool _restartRequested;
    private bool _systemLow;

    public ServerMemoryGuard(ServerSupervisor supervisor, IServerMemoryReader reader, Func<SupervisorOptions> options, TimeProvider time, ILogger logger)
    {
        _supervisor = supervisor;
        _reader = reader;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>Samples until <paramref name="stoppingToken"/> fires. The interval is read each time, so a reload applies at the next sample.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            // The next timer is registered before this sample is taken, so whoever reacts to the sample (a test
            // advancing fake time, say) finds it already running.
            var next = Task.Delay(_options().Memory.Interval, _time, stoppingToken);
            Sample();
            try
            {
                await next;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One sample of the server and of the system.</summary>
    internal void Sample()
    {
        var options = _options().Memory;
        CheckSystem(options.MinFreeSystemBytes);
        CheckServer(options.MaxServerBytes, options.Samples);
    }

    private void CheckServer(long? limit, int samples)
    {
        var snapshot = _supervisor.Status.Current;
        if (limit is null || snapshot.Pid is not { } pid || snapshot.State == SupervisorState.Stopping)
        {
            _over = 0;
            return;
        }
        if (pid != _pid)
        {
            _pid = pid;
            _over = 0;
            _restartRequested = false;
        }
        if (_restartRequested || _reader.ReadServer(pid) is not { } memory)
            return;

        if (memory.Bytes <= limit)
        {
            _over = 0;
            return;
        }
        _over++;
        Log.Over(_logger, pid, ByteSize.Format(memory.Bytes), memory.Processes, ByteSize.Format(limit.Value), _over, samples);
        if (_over < samples)
            return;

        var reason = $"memory: {ByteSize.Format(memory.Bytes)} above the limit of {ByteSize.Format(limit.Value)} for {_over} samples";
        Log.Restarting(_logger, pid, reason);
        _restartRequested = true;
        _supervisor.RequestRestart(reason);
    }

    private void CheckSystem(long? minimum)
    {
        if (minimum is null)
            return;
        if (_reader.ReadAvailableSystemMemory() is not { } available)
            return;
        var low = available < minimum;
        if (low && !_systemLow)
            Log.SystemLow(_logger, ByteSize.Format(available), ByteSize.Format(minimum.Value));
        else if (!low && _systemLow)
            Log.SystemRecovered(_logger, ByteSize.Format(available), ByteSize.Format(minimum.Value));
        _systemLow = low;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, EventName = "MemoryOverLimit", Level = LogLevel.Warning,
            Message = "Server pid={Pid} uses {Memory} over {Processes} processes, above the limit of {Limit} (sample {Sample}/{Samples})")]
        public static partial void Over(ILogger logger, int pid, string memory, int processes, string limit, int sample, int samples);

        [LoggerMessage(EventId = 51, EventName = "MemoryRestart", Level = LogLevel.Error, Message = "Restarting server pid={Pid}: {Reason}")]
        public static partial void Restarting(ILogger logger, int pid, string reason);

        [LoggerMessage(EventId = 52, EventName = "SystemMemoryLow", Level = LogLevel.Warning,
            Message = "The system has {Available} of memory available, below Supervisor:Memory:MinFreeSystemMemory ({Minimum})")]
        public static partial void SystemLow(ILogger logger, string available, string minimum);

        [LoggerMessage(EventId = 53, EventName = "SystemMemoryRecovered", Level = LogLevel.Information,
            Message = "The system has {Available} of memory available again (minimum {Minimum})")]
        public static partial void SystemRecovered(ILogger logger, string available, string minimum);
    }
}
