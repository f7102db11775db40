using System.Globalization;
using MlxSupervisor.Configuration;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Fleet;

/// <summary>
/// Stops an OnDemand server gracefully once it has had no request for its IdleTimeout ("idle for 10 min"), which is not
/// a failure; its next request starts it again. A server with requests in flight is never idle.
/// </summary>
internal static class IdleWatch
{
    /// <summary>How often a server with requests in flight is looked at again.</summary>
    private static readonly TimeSpan LookAgain = TimeSpan.FromSeconds(1);

    /// <summary>How often a server that has no IdleTimeout is looked at again, in case a reload gave it one.</summary>
    private static readonly TimeSpan LookAgainForSettings = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(ServerUnit unit, TimeProvider time, CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                var running = await unit.Status.WaitForAsync(s => s.State == SupervisorState.Running, stoppingToken);
                var settings = unit.Settings;
                if (settings.Start != ServerStart.OnDemand || settings.IdleTimeout is not { } idle)
                {
                    await Task.Delay(LookAgainForSettings, time, stoppingToken);
                    continue;
                }
                if (unit.Activity.Current.InFlight > 0)
                {
                    await Task.Delay(LookAgain, time, stoppingToken);
                    continue;
                }
                var since = unit.Activity.LastRequestAt is { } last && last > running.Since ? last : running.Since;
                var left = since + idle - time.GetUtcNow();
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, time, stoppingToken);
                    continue;
                }
                unit.Supervisor.RequestStop(new StopReason(StopKind.Idle, $"idle for {Words(idle)}"));
                await unit.Status.WaitForAsync(s => s.State != SupervisorState.Running, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>"10 min", "90 s", "1 h 30 min".</summary>
    internal static string Words(TimeSpan span) => span switch
    {
        { TotalSeconds: < 120 } => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s",
        { TotalHours: < 1 } when span.Seconds == 0 => $"{(int)span.TotalMinutes} min",
        { TotalHours: < 1 } => $"{(int)span.TotalMinutes} min {span.Seconds} s",
        _ when span.Minutes == 0 => $"{(int)span.TotalHours} h",
        _ => $"{(int)span.TotalHours} h {span.Minutes} min",
    };
}
