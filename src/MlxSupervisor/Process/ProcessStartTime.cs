using System.Globalization;

namespace MlxSupervisor.Process;

/// <summary>When a process started, on the wall clock, from the start time of its <see cref="ProcessIdentity"/>.</summary>
internal static class ProcessStartTime
{
    /// <returns>Null when the OS's unit cannot be read (no /proc/stat).</returns>
    public static DateTimeOffset? ToWallClock(long startTime)
    {
        if (OperatingSystem.IsMacOS())
            return DateTimeOffset.FromUnixTimeMilliseconds(startTime / 1000);

        // Clock ticks since boot (proc_pid_stat(5), field 22); /proc/stat's btime is the boot, in seconds since the epoch.
        var ticksPerSecond = NativeMethods.ClockTicksPerSecond();
        var boot = BootTime();
        if (ticksPerSecond <= 0 || boot is null)
            return null;
        return DateTimeOffset.FromUnixTimeSeconds(boot.Value).AddSeconds((double)startTime / ticksPerSecond);
    }

    private static long? BootTime()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("btime ", StringComparison.Ordinal));
            return long.TryParse(line?[6..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
