using MlxSupervisor.Configuration;
using MlxSupervisor.Fleet;

namespace MlxSupervisor.Routing;

/// <summary>
/// Which server a request goes to: the one whose <c>Models</c> holds the model it names (exactly, but for case); a
/// request that names none, or one no server lists, goes to Fleet:DefaultServer, and with a single server to that one.
/// Read from the settings in force at each request, so an edited model list applies at once.
/// </summary>
internal sealed class ModelRouter(ServerFleet fleet, Func<SupervisorOptions> options)
{
    /// <returns>The server, or null when no server serves the model and there is no default.</returns>
    public ServerUnit? Choose(string? model)
    {
        var units = fleet.Units;
        if (units.Count == 1)
            return units[0];
        if (model is not null)
        {
            foreach (var unit in units)
            {
                if (unit.Settings.Serves(model))
                    return unit;
            }
        }
        return options().Fleet.DefaultServer is { } name ? fleet.Unit(name) : null;
    }

    /// <summary>Every model of every server, for a 404's message.</summary>
    public IEnumerable<string> Served() => fleet.Units.SelectMany(u => u.Settings.Models);
}
