namespace MlxSupervisor.SimServer.Options;

/// <summary>
/// Checks that need more than one flag: a switch that would silently do nothing, or two faults that
/// contradict each other, get one clear line instead of a run that tests something else than was meant.
/// </summary>
internal static class SimOptionsRules
{
    /// <returns>What is wrong with the combination, or null when it is fine.</returns>
    public static string? Check(SimOptions options)
    {
        if (options.SilentDeath && options.GenerationDiesAfter is null)
            return "--silent-death needs --generation-dies-after (MLXSIM_GENERATION_DIES_AFTER)";
        if (options.NeverLoads && options.LoadFails is not null)
            return $"--never-loads and --load-fails '{options.LoadFails}' contradict each other: a load that never ends cannot fail";
        return null;
    }
}
