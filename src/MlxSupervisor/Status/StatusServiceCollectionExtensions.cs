using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Fleet;
using MlxSupervisor.Ledger;
using MlxSupervisor.Status.Metrics;

namespace MlxSupervisor.Status;

public static class StatusServiceCollectionExtensions
{
    /// <summary>
    /// Adds the status endpoint, its metrics and its timeline over the <see cref="ServerFleet"/>, unless
    /// <c>Status:Listen</c> is empty. Call it before the fleet's hosted service is added: hosted services start in
    /// order, and a port already in use must stop the daemon before it spawns a server.
    /// </summary>
    public static IServiceCollection AddStatusEndpoint(this IServiceCollection services, StatusOptions options)
    {
        if (!options.Enabled)
            return services;

        services.TryAddSingleton(_ => IResidentMemoryReader.ForThisOs());
        services.AddSingleton(sp => new SupervisorMetrics(sp.GetRequiredService<ServerFleet>(), sp.GetRequiredService<IResidentMemoryReader>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetService<MemoryLedger>()));
        services.AddSingleton(sp => new RestartTimeline(sp.GetRequiredService<ServerFleet>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new FleetStatus(sp.GetRequiredService<ServerFleet>(), sp.GetRequiredService<RestartTimeline>(),
            sp.GetRequiredService<IResidentMemoryReader>(), sp.GetRequiredService<TimeProvider>(), sp.GetService<IFrontDoorFigures>(),
            sp.GetService<MemoryLedger>()));
        services.AddSingleton(sp => new StatusServer(options, sp.GetRequiredService<FleetStatus>(), sp.GetRequiredService<SupervisorMetrics>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetService<Fleet.OnDemandStarts>()));
        services.AddHostedService<StatusHostedService>();
        return services;
    }
}
