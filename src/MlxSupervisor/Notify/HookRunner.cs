using CliWrap;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Process;

namespace MlxSupervisor.Notify;

/// <summary>
/// Runs <c>Notify:Command</c> once for an event, bounded by <c>Notify:Timeout</c>. The hook leads its own process
/// group (through the same re-exec as the server), so a timeout kills the hook and whatever it started
/// (curl, osascript...), not only the shell.
/// </summary>
public sealed partial class HookRunner(NotifyOptions options, TimeProvider time, ILogger logger)
{
    private const int StderrLinesKept = 10;

    // CliWrap's task ends only when the hook's pipes close; a grandchild that left the group could hold them.
    private static readonly TimeSpan PipeBound = TimeSpan.FromSeconds(5);

    /// <summary>Runs the hook; never throws, since a broken hook must not take the daemon down.</summary>
    public async Task RunAsync(HookEvent e, CancellationToken stoppingToken)
    {
        var executable = CommandResolver.Resolve(options.Command!, Environment.GetEnvironmentVariable("PATH"), null, out var problem);
        if (executable is null)
        {
            Log.CannotRun(logger, e.Event, $"cannot run {problem}");
            return;
        }

        var (fileName, arguments) = ProcessGroupLauncher.Wrap(executable, options.Arguments);
        var stderr = new Queue<string>();
        using var forceful = new CancellationTokenSource();
        CommandTask<CommandResult> task;
        try
        {
            task = Cli.Wrap(fileName)
                .WithArguments(arguments)
                .WithEnvironmentVariables(e.Environment())
                .WithStandardInputPipe(PipeSource.FromString(e.ToJson() + "\n"))
                .WithStandardErrorPipe(PipeTarget.ToDelegate(line =>
                {
                    lock (stderr)
                    {
                        if (stderr.Count == StderrLinesKept)
                            stderr.Dequeue();
                        stderr.Enqueue(line);
                    }
                }))
                .WithValidation(CommandResultValidation.None)
                .ExecuteAsync(forceful.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Log.CannotRun(logger, e.Event, ex.Message);
            return;
        }

        var group = task.ProcessId;
        using var timeout = new CancellationTokenSource(options.Timeout, time);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            var result = await task.Task.WaitAsync(bound.Token);
            if (result.ExitCode == 0)
                Log.Ran(logger, e.Event, group, result.RunTime.TotalSeconds);
            else
                Log.Failed(logger, e.Event, group, result.ExitCode, Tail(stderr));
            return;
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
        }

        NativeMethods.Kill(-group, Signals.SIGKILL);
        if (timeout.IsCancellationRequested)
            Log.TimedOut(logger, e.Event, group, options.Timeout.TotalSeconds);
        else
            Log.KilledAtShutdown(logger, e.Event, group);
        await forceful.CancelAsync();
        try
        {
            await task.Task.WaitAsync(PipeBound, CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }
    }

    private static string Tail(Queue<string> lines)
    {
        lock (lines)
            return lines.Count == 0 ? "(no stderr)" : string.Join(" | ", lines);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 601, EventName = "HookRan", Level = LogLevel.Information,
            Message = "Notify hook for {Event} ran (pid={Pid}, {Seconds:0.00} s)")]
        public static partial void Ran(ILogger logger, string @event, int pid, double seconds);

        [LoggerMessage(EventId = 602, EventName = "HookFailed", Level = LogLevel.Warning,
            Message = "Notify hook for {Event} (pid={Pid}) exited {ExitCode}: {Stderr}")]
        public static partial void Failed(ILogger logger, string @event, int pid, int exitCode, string stderr);

        [LoggerMessage(EventId = 603, EventName = "HookTimedOut", Level = LogLevel.Warning,
            Message = "Notify hook for {Event} (pid={Pid}) still ran after Notify:Timeout of {Seconds} s; killed its process group")]
        public static partial void TimedOut(ILogger logger, string @event, int pid, double seconds);

        [LoggerMessage(EventId = 604, EventName = "HookCannotRun", Level = LogLevel.Warning,
            Message = "Notify hook for {Event} not run: {Problem}")]
        public static partial void CannotRun(ILogger logger, string @event, string problem);

        [LoggerMessage(EventId = 605, EventName = "HookKilledAtShutdown", Level = LogLevel.Information,
            Message = "Notify hook for {Event} (pid={Pid}) killed: the daemon is stopping")]
        public static partial void KilledAtShutdown(ILogger logger, string @event, int pid);
    }
}
