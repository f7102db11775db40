using System.Net;
using System.Text;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>
/// With --http10 the sim speaks HTTP as mlx_lm.server's BaseHTTPRequestHandler does: HTTP/1.0, one request per
/// connection, responses without a length ended by the close; so a server killed mid-stream looks, on the wire,
/// exactly like one that finished (issue 12).
/// </summary>
public sealed class Http10Specs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Health_answers_HTTP_1_0_without_a_length_and_closes_even_when_the_client_asks_to_keep_alive()
    {
        await using var sim = await SimProcess.StartAsync("--http10");

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Get("/health", "Connection: keep-alive\r\n"));
        var (head, body) = Split(await raw.ReadToCloseAsync());

        head[0].Should().Be("HTTP/1.0 200 OK");
        head.Should().NotContain(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase), "Python sends none for /health");
        head.Should().NotContain(h => h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase), "Python sends no Connection header");
        body.Should().Be("{\"status\":\"ok\"}", "the body ends where the server closed the connection");
        sim.ListeningLine.Should().Be($"sim: listening on http://127.0.0.1:{sim.Port} pid={sim.Pid}", "tests and the daemon read this line");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_stream_has_neither_Transfer_Encoding_nor_Content_Length_and_ends_with_the_close_after_DONE()
    {
        await using var sim = await SimProcess.StartAsync("--http10", "--tokens", "3");

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: true));
        var (head, body) = Split(await raw.ReadToCloseAsync());

        head[0].Should().Be("HTTP/1.0 200 OK");
        head.Should().Contain("Content-Type: text/event-stream").And.Contain("Cache-Control: no-cache");
        head.Should().NotContain(h => h.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase));
        head.Should().NotContain(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        body.Should().StartWith("data: {").And.EndWith("data: [DONE]\n\n", "no chunk framing: the events are the body");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_non_streamed_completion_carries_its_Content_Length_and_sim_stats_still_counts_it()
    {
        await using var sim = await SimProcess.StartAsync("--http10", "--tokens", "3");

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Chat(stream: false));
        var (head, body) = Split(await raw.ReadToCloseAsync());
        var stats = await ModelLoadSpecs.StatsAsync(sim);

        head[0].Should().Be("HTTP/1.0 200 OK");
        head.Should().Contain($"Content-Length: {Encoding.UTF8.GetByteCount(body)}");
        body.Should().Contain("tok1 tok2 tok3");
        stats.GetProperty("totalRequests").GetInt64().Should().Be(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_connection_carries_one_request_and_a_second_one_sent_on_it_is_never_answered()
    {
        await using var sim = await SimProcess.StartAsync("--http10");

        using var raw = await RawHttp.SendAsync(sim.Port, RawHttp.Get("/health") + RawHttp.Get("/v1/models"));
        var received = await raw.ReadToCloseAsync();

        received.Split("HTTP/1.").Should().HaveCount(2, "one response, then the close: {0}", received);
        received.Should().NotContain("\"object\":\"list\"", "the pipelined /v1/models got no answer");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_stream_cut_by_SIGKILL_ends_for_the_client_as_cleanly_as_a_whole_one()
    {
        await using var sim = await SimProcess.StartAsync("--http10", "--tokens", "1000", "--token-delay-ms", "20");
        using var response = await sim.Client.SendAsync(ChatStream.Request(stream: true), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        var received = await ReadUntilAsync(body, "data: ");
        sim.KillWithSigkill();
        var rest = await ReadToEndAsync(body);

        response.Version.Should().Be(HttpVersion.Version10);
        received.Should().Contain("tok1");
        rest.Error.Should().BeNull("the kernel closes a dead process's socket with a FIN: the client's read returns 0");
        (received + rest.Text).Should().NotContain("[DONE]", "the stream was cut");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Without_http10_a_stream_cut_by_SIGKILL_is_an_error_for_the_client_as_its_chunks_stop_short()
    {
        await using var sim = await SimProcess.StartAsync("--tokens", "1000", "--token-delay-ms", "20");
        using var response = await sim.Client.SendAsync(ChatStream.Request(stream: true), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        await ReadUntilAsync(body, "data: ");
        sim.KillWithSigkill();
        var rest = await ReadToEndAsync(body);

        response.Version.Should().Be(HttpVersion.Version11);
        rest.Error.Should().BeOfType<HttpIOException>("Kestrel's HTTP/1.1 stream is chunked, and its last chunk never came");
    }

    private static (IReadOnlyList<string> Head, string Body) Split(string response)
    {
        var end = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        end.Should().BePositive("a whole head arrived: {0}", response);
        return (response[..end].Split("\r\n"), response[(end + 4)..]);
    }

    private static async Task<string> ReadUntilAsync(Stream body, string marker)
    {
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await body.ReadAsync(buffer, timeout.Token);
            read.Should().BePositive("the stream has not ended yet");
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    private static async Task<(string Text, Exception? Error)> ReadToEndAsync(Stream body)
    {
        using var timeout = new CancellationTokenSource(Timeouts.Wait);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            return (text.ToString(), null);
        }
        catch (Exception e) when (e is HttpIOException or IOException)
        {
            return (text.ToString(), e);
        }
    }
}
