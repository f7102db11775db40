using FluentAssertions;
using MlxSupervisor.Memory;
using MlxSupervisor.Process;
using Xunit;

namespace MlxSupervisor.Tests.Memory;

/// <summary>The walk both readers share, the macOS one included, over a process table written out by hand.</summary>
public sealed class ProcessTreeMemorySpecs
{
    private const int Server = 100;

    // The server's group holds it and a helper (101); the helper's child (102) is in the group too, and a child
    // that called setsid (200) is found only by parent.
    private readonly TableOf _table = new(members: [Server, 101, 102], descendants: [101, 102, 200]);

    private readonly Dictionary<int, long> _bytes = new() { [Server] = 1_000, [101] = 200, [102] = 30, [200] = 4 };

    private ServerMemory? Read() => new ProcessTreeMemory(_table, pid => _bytes.TryGetValue(pid, out var b) ? b : null).Read(Server);

    [Fact]
    public void The_server_counts_with_its_group_and_every_descendant_each_once()
    {
        Read().Should().Be(new ServerMemory(1_234, 4));
    }

    [Fact]
    public void A_process_gone_between_the_listing_and_its_reading_is_left_out()
    {
        _bytes.Remove(102);

        Read().Should().Be(new ServerMemory(1_204, 3));
    }

    [Fact]
    public void A_server_that_is_gone_has_no_memory_even_if_its_helpers_remain()
    {
        _bytes.Remove(Server);

        Read().Should().BeNull();
    }

    private sealed class TableOf(IReadOnlyList<int> members, IReadOnlyList<int> descendants) : IProcessTable
    {
        public IReadOnlyList<int> LiveMembers(int groupId) => groupId == Server ? members : [];

        public bool IsRunning(int pid) => throw new NotSupportedException();

        public ProcessIdentity? Identify(int pid) => throw new NotSupportedException();

        public IReadOnlyList<int> Descendants(int pid) => pid == Server ? descendants : [];
    }
}
