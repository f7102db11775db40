using Microsoft.Extensions.Hosting;

namespace MlxSupervisor.Memory;

/// <summary>Runs one supervisor's <see cref="ServerMemoryGuard"/> for the life of the host.</summary>
public sealed class ServerMemoryGuardService(ServerMemoryGuard guard) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => guard.RunAsync(stoppingToken);
}
