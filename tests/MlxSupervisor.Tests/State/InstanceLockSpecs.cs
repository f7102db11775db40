using FluentAssertions;
using MlxSupervisor.State;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.State;

public sealed class InstanceLockSpecs
{
    [Fact]
    public void The_lock_is_refused_while_held_names_the_holder_and_is_free_again_once_released()
    {
        using var dir = new TempDirectory();
        var first = InstanceLock.TryAcquire(dir.Path, out _);
        first.Should().NotBeNull();

        // flock locks belong to the open file, so a second open in the same process conflicts like another daemon would.
        InstanceLock.TryAcquire(dir.Path, out var holder).Should().BeNull();
        holder.Should().Be($"pid {Environment.ProcessId}");

        first!.Dispose();
        using var again = InstanceLock.TryAcquire(dir.Path, out _);
        again.Should().NotBeNull("a released lock, like the lock of a dead daemon, blocks nobody");
    }
}
