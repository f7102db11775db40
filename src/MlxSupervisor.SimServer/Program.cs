using MlxSupervisor.SimServer.Faults;
using MlxSupervisor.SimServer.Lifecycle;
using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

// mlx-sim-server: a stand-in for mlx_lm.server that tests start as a real child process and tell how to fail.
var console = SimConsole.ForProcess();
var parsed = SimOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
if (parsed.Options is not { } options)
{
    console.Error($"sim: {parsed.Error}");
    return 2;
}

if (options.ShowHelp)
{
    console.WriteLine(SimOptionsParser.Help());
    return 0;
}

if (options.HelperMode)
    return await HelperMode.RunAsync(options, console);

return await new SimServerHost(options, console, TimeProvider.System).RunAsync();
