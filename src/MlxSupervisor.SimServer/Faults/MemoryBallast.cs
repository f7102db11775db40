using MlxSupervisor.SimServer.Options;
using MlxSupervisor.SimServer.Output;

namespace MlxSupervisor.SimServer.Faults;

/// <summary>
/// <c>--allocate-mb N --allocate-after-ms M</c>: grows the resident set by N MB and holds it, so a memory
/// watchdog has something real to see.
/// </summary>
internal sealed class MemoryBallast(SimOptions options, SimConsole console, TimeProvider time)
{
    private const int BlockSize = 1024 * 1024;
    private const int PageSize = 4096;

    private readonly List<byte[]> _held = [];

    public async Task RunAsync(CancellationToken stopping)
    {
        if (options.AllocateMb <= 0)
            return;

        if (options.AllocateAfterMs > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(options.AllocateAfterMs), time, stopping);

        for (var mb = 0; mb < options.AllocateMb; mb++)
        {
            // Fresh pages are only reserved until written, and an untouched array would not show in RSS.
            var block = GC.AllocateUninitializedArray<byte>(BlockSize);
            for (var offset = 0; offset < block.Length; offset += PageSize)
                block[offset] = 1;
            _held.Add(block);
        }

        console.Error($"sim: allocated {options.AllocateMb} MB");
    }
}
