namespace MlxSupervisor.Process;

/// <summary>
/// Holds the first output lines back until the <see cref="ServerOutput"/> exists, which needs the pid, which
/// CliWrap only knows once the process has started and its pipes are already being read.
/// </summary>
internal sealed class ServerOutputGate
{
    private readonly TaskCompletionSource<ServerOutput> _output = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open(ServerOutput output) => _output.TrySetResult(output);

    public ServerOutput Get() => _output.Task.IsCompleted ? _output.Task.Result : _output.Task.GetAwaiter().GetResult();
}
