using System.Text;
using FluentAssertions;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Tests.SimServer;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>
/// Issue 14's per-chunk latency: the sim stamps each chunk with its monotonic clock (<c>--stamp-chunks</c>), and the
/// bench pairs each stamp with the moment the read that completed the chunk returned.
/// </summary>
public sealed class StampedChunksSpecs
{
    [Fact]
    public void A_chunk_split_across_two_reads_arrived_with_the_read_that_brought_its_end()
    {
        var chunks = new StampedChunks();
        var line = "data: {\"choices\":[],\"sim_written_at\":123456789}\n\n";

        chunks.Feed(Encoding.UTF8.GetBytes(line[..20]), arrivedAt: 1000);
        chunks.Feed(Encoding.UTF8.GetBytes(line[20..] + "data: [DONE]\n\n"), arrivedAt: 2000);

        chunks.Chunks.Should().Equal((123456789L, 2000L));
        chunks.Unstamped.Should().Be(1, "[DONE] carries no stamp");
    }

    [Fact]
    public void Two_chunks_in_one_read_both_arrived_with_it()
    {
        var chunks = new StampedChunks();

        chunks.Feed(Encoding.UTF8.GetBytes("data: {\"sim_written_at\":5}\n\n: keepalive 1/2\n\ndata: {\"sim_written_at\":7}\n\n"), arrivedAt: 9);

        chunks.Chunks.Should().Equal((5L, 9L), (7L, 9L));
        chunks.Unstamped.Should().Be(0, "a comment is no data event");
    }

    [Fact]
    public void A_line_that_is_no_data_event_has_no_stamp()
    {
        StampedChunks.StampOf(": sim_written_at\":5"u8).Should().BeNull();
        StampedChunks.StampOf("data: {\"choices\":[]}"u8).Should().BeNull();
        StampedChunks.StampOf("data: {\"sim_written_at\": 42}"u8).Should().Be(42);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_sim_stamps_every_chunk_before_the_bench_reads_it_on_the_same_clock()
    {
        await using var sim = await SimProcess.StartAsync("--stamp-chunks", "--tokens", "5", "--token-delay-ms", "20");
        using var client = StreamingChat.Client(sim.Client.BaseAddress!);

        var latencies = await StampedStream.ReadAsync(client, 5, Timeouts.Wait);

        latencies.Should().HaveCount(6, "five tokens and the final chunk");
        latencies.Should().OnlyContain(ms => ms >= 0 && ms < Timeouts.Wait.TotalMilliseconds,
            "the sim's stamp and the bench's read are one monotonic clock, and the read comes after the write");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_sim_without_stamps_is_refused_by_name_rather_than_measured()
    {
        await using var sim = await SimProcess.StartAsync("--tokens", "3");
        using var client = StreamingChat.Client(sim.Client.BaseAddress!);

        var read = () => StampedStream.ReadAsync(client, 3, Timeouts.Wait);

        (await read.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*brought 0 stamped chunks, not 4*--stamp-chunks*");
    }
}
