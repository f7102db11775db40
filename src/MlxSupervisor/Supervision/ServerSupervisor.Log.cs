using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Supervision;

public sealed partial class ServerSupervisor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "Started", Level = LogLevel.Information, Message = "Started pid={Pid} ({Command})")]
        public static partial void Started(ILogger logger, int pid, string command);

        [LoggerMessage(EventId = 2, EventName = "SpawnFailed", Level = LogLevel.Error, Message = "Start failed: {Problem}")]
        public static partial void SpawnFailed(ILogger logger, string problem);

        [LoggerMessage(EventId = 3, EventName = "Healthy", Level = LogLevel.Information, Message = "Server pid={Pid} healthy after {Seconds:0.0##} s{Readiness}")]
        public static partial void Ready(ILogger logger, int pid, double seconds, string readiness);

        [LoggerMessage(EventId = 22, EventName = "Adopted", Level = LogLevel.Warning,
            Message = "Adopted pid={Pid} ({Command}): it was already running on the server's port, with the configured command line, and answering its health check")]
        public static partial void Adopted(ILogger logger, int pid, string command);

        [LoggerMessage(EventId = 28, EventName = "AdoptedHealthy", Level = LogLevel.Information,
            Message = "Server pid={Pid} healthy{Readiness}: adopted, and supervised from now on")]
        public static partial void AdoptedReady(ILogger logger, int pid, string readiness);

        [LoggerMessage(EventId = 29, EventName = "PolicyStop", Level = LogLevel.Warning, Message = "Not restarting the server: {Why}")]
        public static partial void PolicyStop(ILogger logger, string why);

        [LoggerMessage(EventId = 23, EventName = "ModelLoadFailed", Level = LogLevel.Error,
            Message = "Server pid={Pid} answered its health check but refused to generate (HTTP {Status}): the model failed to load: {Failure}")]
        public static partial void ModelLoadFailed(ILogger logger, int pid, int status, string failure);

        [LoggerMessage(EventId = 24, EventName = "FatalOutput", Level = LogLevel.Error,
            Message = "Server pid={Pid} printed a fatal line (Health:FatalOutput): {Line}")]
        public static partial void FatalOutput(ILogger logger, int pid, string line);

        [LoggerMessage(EventId = 25, EventName = "GenerationProbePassed", Level = LogLevel.Debug,
            Message = "Generation probe of idle server pid={Pid}: first token after {Milliseconds:0} ms")]
        public static partial void GenerationProbePassed(ILogger logger, int pid, double milliseconds);

        [LoggerMessage(EventId = 26, EventName = "GenerationProbeWaived", Level = LogLevel.Information,
            Message = "Generation probe failed ({Failure}) but not counted: {Why}")]
        public static partial void GenerationProbeWaived(ILogger logger, string failure, string why);

        [LoggerMessage(EventId = 4, EventName = "Stable", Level = LogLevel.Information,
            Message = "Server pid={Pid} stable for {Seconds} s: the restart counts as a success")]
        public static partial void Stable(ILogger logger, int pid, double seconds);

        [LoggerMessage(EventId = 5, EventName = "Strike", Level = LogLevel.Warning, Message = "Strike {Strike}/{Threshold} ({Failure})")]
        public static partial void Strike(ILogger logger, int strike, int threshold, string failure);

        [LoggerMessage(EventId = 19, EventName = "StrikeWaived", Level = LogLevel.Information,
            Message = "Probe failed ({Failure}) but not counted as a strike: {Why}")]
        public static partial void StrikeWaived(ILogger logger, string failure, string why);

        [LoggerMessage(EventId = 20, EventName = "Recovered", Level = LogLevel.Information, Message = "Server healthy again: strikes cleared")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(EventId = 21, EventName = "SupervisionStopped", Level = LogLevel.Information, Message = "Supervision stopped: {Reason}")]
        public static partial void SupervisionStopped(ILogger logger, string reason);

        [LoggerMessage(EventId = 6, EventName = "DeclaredDead", Level = LogLevel.Error, Message = "Server pid={Pid} {Reason}")]
        public static partial void DeclaredDead(ILogger logger, int pid, string reason);

        [LoggerMessage(EventId = 7, EventName = "Exited", Level = LogLevel.Warning,
            Message = "Server pid={Pid} exited {ExitDescription} after {Uptime:0.0} s")]
        public static partial void Exited(ILogger logger, int pid, string exitDescription, double uptime);

        [LoggerMessage(EventId = 8, EventName = "StderrTail", Level = LogLevel.Warning,
            Message = "Last {Count} stderr lines of server pid={Pid}:\n{Lines}")]
        public static partial void StderrTail(ILogger logger, int pid, int count, string lines);

        [LoggerMessage(EventId = 9, EventName = "SigtermSent", Level = LogLevel.Information,
            Message = "SIGTERM sent to pid={Pid} and its process group; SIGKILL in {Grace} s ({Reason})")]
        public static partial void SigtermSent(ILogger logger, int pid, double grace, string reason);

        [LoggerMessage(EventId = 10, EventName = "StoppedBySigterm", Level = LogLevel.Information,
            Message = "Server pid={Pid} stopped after SIGTERM: exited {Exit} after {Seconds:0.00} s")]
        public static partial void StoppedBySigterm(ILogger logger, int pid, string exit, double seconds);

        [LoggerMessage(EventId = 11, EventName = "StoppedBySigkill", Level = LogLevel.Warning,
            Message = "Server pid={Pid} ignored SIGTERM for the {Grace} s grace period; SIGKILL sent, exited {Exit} after {Seconds:0.00} s")]
        public static partial void StoppedBySigkill(ILogger logger, int pid, double grace, string exit, double seconds);

        [LoggerMessage(EventId = 12, EventName = "LeftoversStopped", Level = LogLevel.Warning,
            Message = "Stopped the processes server pid={Pid} left behind ({Signal}); it had exited {Exit}")]
        public static partial void LeftoversStopped(ILogger logger, int pid, string signal, string exit);

        [LoggerMessage(EventId = 13, EventName = "Survivors", Level = LogLevel.Error,
            Message = "Processes of server pid={Pid} survived SIGKILL: {Pids}")]
        public static partial void Survivors(ILogger logger, int pid, string pids);

        [LoggerMessage(EventId = 14, EventName = "PortStillBusy", Level = LogLevel.Warning,
            Message = "Port {Port} still accepts connections {Seconds} s after the server stopped; the next start names its holder and backs off while it stays")]
        public static partial void PortStillBusy(ILogger logger, int port, double seconds);

        /// <param name="seconds">The wait as the schedule gives it, counted from the server's exit.</param>
        [LoggerMessage(EventId = 15, EventName = "RestartScheduled", Level = LogLevel.Information,
            Message = "Restart {Restart} in {Seconds} s (consecutive failures: {Failures})")]
        public static partial void RestartScheduled(ILogger logger, int restart, double seconds, int failures);

        [LoggerMessage(EventId = 16, EventName = "CircuitOpened", Level = LogLevel.Error,
            Message = "Circuit open until {Until}: too many failed restarts, nothing is spawned until then")]
        public static partial void CircuitOpened(ILogger logger, string until);

        [LoggerMessage(EventId = 17, EventName = "CircuitHalfOpen", Level = LogLevel.Warning, Message = "Circuit half-open: one trial start")]
        public static partial void CircuitHalfOpen(ILogger logger);

        [LoggerMessage(EventId = 27, EventName = "CircuitReconfigured", Level = LogLevel.Information,
            Message = "Circuit rebuilt from reloaded settings (FailureThreshold {Threshold}, SamplingWindow {Window} s, BreakDuration {Break} s): closed, earlier failures forgotten")]
        public static partial void CircuitReconfigured(ILogger logger, int threshold, double window, double @break);

        [LoggerMessage(EventId = 18, EventName = "CircuitClosed", Level = LogLevel.Information, Message = "Circuit closed: restarts are back to normal")]
        public static partial void CircuitClosed(ILogger logger);
    }
}
