using FluentAssertions;
using MlxSupervisor.Bench.Clients;
using MlxSupervisor.Tests.SimServer;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>
/// The bench's streaming client against the real simulated server: it must see a whole answer as whole, and a stream
/// cut by SIGKILL over HTTP/1.0 as the clean but truncated end it is, or the stream-integrity figure could not fail.
/// </summary>
public sealed class StreamingChatSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_whole_stream_from_the_sim_is_judged_whole()
    {
        await using var sim = await SimProcess.StartAsync("--http10", "--tokens", "5");
        using var client = StreamingChat.Client(sim.Client.BaseAddress!);

        var reading = await StreamingChat.ReadAsync(client, Timeouts.Wait);

        StreamVerdicts.Judge(reading, StreamVerdicts.SimAnswer(5)).Should().Be(StreamVerdict.Whole, reading.ToString());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Read_straight_from_an_HTTP_1_0_server_SIGKILLed_mid_stream_the_stream_is_truncated_but_clean()
    {
        await using var sim = await SimProcess.StartAsync("--http10", "--tokens", "1000", "--token-delay-ms", "20");
        using var client = StreamingChat.Client(sim.Client.BaseAddress!);

        var reading = await StreamingChat.ReadAsync(client, Timeouts.Wait, firstData: sim.KillWithSigkill);

        reading.BrokenBody.Should().BeNull("the kernel closes a dead process's socket with a FIN, as a whole stream ends");
        StreamVerdicts.Judge(reading, StreamVerdicts.SimAnswer(1000)).Should().Be(StreamVerdict.TruncatedClean, reading.ToString());
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Read_from_a_chunked_HTTP_1_1_server_SIGKILLed_mid_stream_the_stream_is_an_error_the_client_saw()
    {
        await using var sim = await SimProcess.StartAsync("--tokens", "1000", "--token-delay-ms", "20");
        using var client = StreamingChat.Client(sim.Client.BaseAddress!);

        var reading = await StreamingChat.ReadAsync(client, Timeouts.Wait, firstData: sim.KillWithSigkill);

        reading.BrokenBody.Should().StartWith("HttpIOException", "its last chunk never came");
        StreamVerdicts.Judge(reading, StreamVerdicts.SimAnswer(1000)).Should().Be(StreamVerdict.ErrorSeen);
    }
}
