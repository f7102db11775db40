using Microsoft.Extensions.Hosting;

namespace MlxSupervisor.Status;

/// <summary>
/// The status endpoint's own web host lives inside the daemon's host, which owns the process: this keeps the
/// web host's default ConsoleLifetime from handling SIGTERM and Ctrl+C a second time and printing its banner.
/// </summary>
internal sealed class NoHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
