using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlxSupervisor.Notify;

public static class NotifyServiceCollectionExtensions
{
    /// <summary>Adds the event hook runner, for every server of the fleet, when <c>Notify:Command</c> is set.</summary>
    public static IServiceCollection AddEventHooks(this IServiceCollection services, NotifyOptions options)
    {
        if (!options.Enabled)
            return services;
        services.AddHostedService(sp => new EventHooks(
            options, sp.GetRequiredService<Fleet.ServerFleet>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
