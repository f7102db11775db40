using FluentAssertions;
using MlxSupervisor.Health;
using Xunit;

namespace MlxSupervisor.Tests.Health;

public sealed class StartupProbeRampSpecs
{
    [Fact]
    public void The_waits_start_at_25_ms_and_double_up_to_the_startup_probe_interval()
    {
        var waits = new List<TimeSpan>();
        var wait = TimeSpan.Zero;
        for (var i = 0; i < 9; i++)
            waits.Add(wait = StartupProbeRamp.WaitAfter(wait, TimeSpan.FromSeconds(1)));

        waits.Select(w => w.TotalMilliseconds).Should().Equal(25, 50, 100, 200, 400, 800, 1000, 1000, 1000);
    }

    [Fact]
    public void A_startup_probe_interval_below_25_ms_is_the_wait_from_the_start()
    {
        StartupProbeRamp.WaitAfter(TimeSpan.Zero, TimeSpan.FromMilliseconds(10)).Should().Be(TimeSpan.FromMilliseconds(10));
    }
}
