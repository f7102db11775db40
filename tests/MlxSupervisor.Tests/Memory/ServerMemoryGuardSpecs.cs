using FluentAssertions;
using Microsoft.Extensions.Logging;
using MlxSupervisor.Memory;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Memory;

/// <summary>The memory guard on fake time, with a scripted reader, in front of a supervisor of fake servers.</summary>
public sealed class ServerMemoryGuardSpecs
{
    private const long GB = 1L << 30;

    private sealed class ScriptedMemoryReader : IServerMemoryReader
    {
        private int _reads;

        public volatile int ServerMb;

        public long? Available { get; set; }

        public int Reads => Volatile.Read(ref _reads);

        public ServerMemory? ReadServer(int serverPid)
        {
            Interlocked.Increment(ref _reads);
            return new ServerMemory(ServerMb * (1L << 20), 2);
        }

        public long? ReadAvailableSystemMemory() => Available;
    }

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ILoggerFactory _loggerFactory;
        private Task? _guard;

        public Fixture(string? limit, string? minFree = null)
        {
            Harness = new SupervisorHarness(o =>
            {
                o.Memory.MaxServerMemory = limit;
                o.Memory.MinFreeSystemMemory = minFree;
            });
            _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs));
            Guard = new ServerMemoryGuard(Harness.Supervisor, Reader, () => Harness.Options, Harness.Time, _loggerFactory.CreateLogger("memory"));
        }

        public SupervisorHarness Harness { get; }

        public ScriptedMemoryReader Reader { get; } = new();

        public CapturingLoggerProvider Logs { get; } = new();

        public ServerMemoryGuard Guard { get; }

        public async Task RunUntilServing()
        {
            Harness.Run();
            await Harness.WaitFor(s => s.State == SupervisorState.Running);
            _guard = Guard.RunAsync(_stop.Token);
        }

        /// <summary>Moves fake time one interval on and waits for the guard's sample.</summary>
        public async Task NextSample(int expectedReads)
        {
            Harness.Time.Advance(Harness.Options.Memory.Interval);
            await Eventually(() => Reader.Reads >= expectedReads);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_guard is not null)
                await _guard.WaitAsync(Timeouts.Wait);
            await Harness.DisposeAsync();
            _loggerFactory.Dispose();
            _stop.Dispose();
        }
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Timeouts.Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("condition not reached");
            await Task.Delay(5);
        }
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_server_above_the_limit_for_three_samples_in_a_row_is_restarted_gracefully_with_a_memory_reason_that_counts_as_a_failure()
    {
        await using var f = new Fixture(limit: "2GB");
        f.Reader.ServerMb = 2150; // 2.1 GB
        await f.RunUntilServing();
        await Eventually(() => f.Reader.Reads == 1);

        await f.NextSample(2);
        f.Harness.Launcher.Started[0].StopCalls.Should().Be(0, "two samples above the limit may be a spike");
        await f.NextSample(3);
        var backingOff = await f.Harness.WaitFor(s => s.NextRestartAt is not null);

        backingOff.LastExit!.Reason.Should().Be("memory: 2.1 GB above the limit of 2 GB for 3 samples");
        backingOff.ConsecutiveFailures.Should().Be(1, "a server over its memory limit is sick, and counts toward the circuit");
        f.Harness.Launcher.Started[0].StopCalls.Should().Be(1, "it was stopped gracefully, through the normal path");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task A_sample_below_the_limit_starts_the_count_again()
    {
        await using var f = new Fixture(limit: "2GB");
        f.Reader.ServerMb = 3000;
        await f.RunUntilServing();
        await Eventually(() => f.Reader.Reads == 1);
        await f.NextSample(2);

        f.Reader.ServerMb = 1000;
        await f.NextSample(3);
        f.Reader.ServerMb = 3000;
        await f.NextSample(4);
        await f.NextSample(5);

        f.Harness.Current.State.Should().Be(SupervisorState.Running, "only two samples in a row are above the limit");
        f.Harness.Launcher.Started[0].StopCalls.Should().Be(0);
        await f.NextSample(6);
        (await f.Harness.WaitFor(s => s.NextRestartAt is not null)).LastExit!.Reason.Should().StartWith("memory: 2.9 GB above");
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Without_a_limit_the_server_is_never_restarted_for_memory()
    {
        await using var f = new Fixture(limit: null);
        f.Reader.ServerMb = 500_000;
        await f.RunUntilServing();
        var ticks = f.Harness.Time.GetUtcNow();
        for (var i = 0; i < 5; i++)
            f.Harness.Time.Advance(f.Harness.Options.Memory.Interval);
        await Task.Delay(100);

        f.Reader.Reads.Should().Be(0, "with no limit the server's memory is not even read");
        f.Harness.Launcher.Started[0].StopCalls.Should().Be(0);
        (f.Harness.Time.GetUtcNow() - ticks).Should().Be(TimeSpan.FromSeconds(25));
    }

    [Fact(Timeout = Timeouts.UnitTestMs)]
    public async Task Low_free_system_memory_is_warned_once_when_it_falls_below_the_minimum_and_noted_when_it_recovers()
    {
        await using var f = new Fixture(limit: "100GB", minFree: "8GB");
        f.Reader.Available = 20 * GB;
        await f.RunUntilServing();
        await Eventually(() => f.Reader.Reads == 1);

        f.Reader.Available = 6 * GB;
        await f.NextSample(2);
        await f.NextSample(3);
        f.Reader.Available = 10 * GB;
        await f.NextSample(4);

        f.Logs.Lines.Where(l => l.Contains("below Supervisor:Memory:MinFreeSystemMemory", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Should().Contain("6 GB of memory available, below Supervisor:Memory:MinFreeSystemMemory (8 GB)");
        f.Logs.Contains("10 GB of memory available again").Should().BeTrue(f.Logs.Dump());
    }
}
