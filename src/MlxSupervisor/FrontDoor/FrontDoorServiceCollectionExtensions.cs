using System.Diagnostics.Metrics;
using MlxSupervisor.Configuration;
using MlxSupervisor.Status;
using MlxSupervisor.Supervision;

namespace MlxSupervisor.FrontDoor;

/// <summary>Wires the front door into the daemon's host.</summary>
public static class FrontDoorServiceCollectionExtensions
{
    /// <summary>
    /// With Proxy:Enabled, adds the front door and its statistics, which the supervisor reads as
    /// <see cref="IServerActivity"/> and the status endpoint as <see cref="IFrontDoorFigures"/>. Call it after the
    /// supervisor's hosted service, so that at shutdown the front door stops taking requests before the server is stopped.
    /// </summary>
    public static IServiceCollection AddFrontDoor(this IServiceCollection services, SupervisorOptions options)
    {
        if (!options.Proxy.Enabled)
            return services;

        services.AddSingleton<IFrontDoorFigures>(sp => new FrontDoorFigures(sp.GetRequiredService<Fleet.ServerFleet>()));
        services.AddSingleton(sp => new FrontDoorServer(options, sp.GetRequiredService<Fleet.ServerFleet>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetService<LiveSupervisorOptions>() is { } live ? () => live.Current : null,
            sp.GetService<Fleet.OnDemandStarts>()));
        services.AddHostedService(sp => sp.GetRequiredService<FrontDoorServer>());
        return services;
    }

    /// <summary>Binds the front door's port, if there is a front door, before the host starts.</summary>
    /// <returns>False, after logging why, when the port cannot be bound.</returns>
    public static Task<bool> OpenFrontDoorAsync(this IServiceProvider services, CancellationToken cancellationToken) =>
        services.GetService<FrontDoorServer>() is { } frontDoor ? frontDoor.TryListenAsync(cancellationToken) : Task.FromResult(true);
}
