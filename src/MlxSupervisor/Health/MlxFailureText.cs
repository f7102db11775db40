namespace MlxSupervisor.Health;

/// <summary>What the lines MLX prints when it fails mean, in words a person reading the log or a hook acts on.</summary>
public static class MlxFailureText
{
    public const string MetalOutOfMemory = "Metal ran out of GPU memory";
    public const string MetalBufferLimit = "MLX hit Metal's buffer limit";
    public const string GenerationThreadDied = "the generation thread died";

    /// <summary>
    /// libc++abi's last words before SIGABRT when a Metal command buffer fails for memory (mlx-lm #1390):
    /// "[METAL] Command buffer execution failed: Insufficient Memory (00000008:kIOGPUCommandBufferCallbackErrorOutOfMemory)".
    /// </summary>
    public static bool IsMetalOutOfMemory(string line) =>
        line.Contains("kIOGPUCommandBufferCallbackErrorOutOfMemory", StringComparison.Ordinal)
        || (line.Contains("[METAL]", StringComparison.Ordinal) && line.Contains("Insufficient Memory", StringComparison.Ordinal));

    /// <returns>The meaning of <paramref name="line"/>, or null when it is not one MLX is known to print as it fails.</returns>
    public static string? Explain(string line)
    {
        if (IsMetalOutOfMemory(line))
            return MetalOutOfMemory;
        // "RuntimeError: [metal::malloc] Resource limit (499000) exceeded." in the generation thread (mlx-lm #1505).
        if (line.Contains("[metal::malloc] Resource limit", StringComparison.Ordinal))
            return MetalBufferLimit;
        if (line.StartsWith("Exception in thread ", StringComparison.Ordinal) && line.Contains("(_generate)", StringComparison.Ordinal))
            return GenerationThreadDied;
        return null;
    }
}
