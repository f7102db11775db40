using Microsoft.Extensions.Hosting;
using MlxSupervisor.Configuration;

namespace MlxSupervisor.State;

/// <summary>Runs the <see cref="PreviousServerReclaimer"/> once, before the supervisor's first spawn (hosted services start in order).</summary>
public sealed class ReclaimPreviousServerService(PreviousServerReclaimer reclaimer, LiveSupervisorOptions options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => reclaimer.ReclaimAsync(options.Current.Shutdown.GracePeriod, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
