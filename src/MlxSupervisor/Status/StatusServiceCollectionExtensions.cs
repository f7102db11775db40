using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Status.Metrics;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.Status;

public static class StatusServiceCollectionExtensions
{
    /// <summary>
    /// Adds the status endpoint, its metrics and its timeline, unless <c>Status:Listen</c> is empty. Call it
    /// before the supervisor's hosted service is added: hosted services start in order, and a port already in
    /// use must stop the daemon before it spawns a server.
    /// </summary>
    public static IServiceCollection AddStatusEndpoint(this IServiceCollection services, StatusOptions options)
    {
        if (!options.Enabled)
            return services;

        services.TryAddSingleton(_ => IResidentMemoryReader.ForThisOs());
        services.AddSingleton(sp => new SupervisorMetrics(
            sp.GetRequiredService<ServerSupervisor>(), sp.GetRequiredService<IResidentMemoryReader>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RestartTimeline(sp.GetRequiredService<ServerSupervisor>().Status, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new StatusServer(
            options,
            sp.GetRequiredService<ServerSupervisor>(),
            sp.GetRequiredService<SupervisorMetrics>(),
            sp.GetRequiredService<RestartTimeline>(),
            sp.GetRequiredService<IResidentMemoryReader>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IFrontDoorFigures>()));
        services.AddHostedService<StatusHostedService>();
        return services;
    }
}
