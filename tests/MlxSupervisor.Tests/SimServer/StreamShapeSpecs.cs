using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.SimServer;

/// <summary>A stream is shaped as mlx_lm.server shapes it (server.py, handle_completion).</summary>
public sealed class StreamShapeSpecs
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Keepalive_comments_come_before_the_first_data_event_as_prompt_processing_reports_progress()
    {
        await using var sim = await SimProcess.StartAsync("--keepalive-comments", "3", "--token-delay-ms", "5", "--tokens", "2");

        var lines = await StreamLinesAsync(sim, "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"stream\":true}");

        lines.Should().StartWith([": keepalive 1/3", ": keepalive 2/3", ": keepalive 3/3"]);
        lines.Skip(3).Should().OnlyContain(l => l.StartsWith("data: ", StringComparison.Ordinal), "the events follow the comments");
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(null, "stop", 4)]
    [InlineData(2, "length", 2)]
    [InlineData(4, "length", 4)]
    public async Task A_stream_ends_with_a_final_chunk_naming_its_finish_reason_then_the_usage_chunk_then_DONE(
        int? maxTokens, string finishReason, int tokens)
    {
        await using var sim = await SimProcess.StartAsync("--tokens", "4");
        var max = maxTokens is { } m ? $",\"max_tokens\":{m}" : "";

        var lines = await StreamLinesAsync(sim, "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"stream\":true,"
            + $"\"stream_options\":{{\"include_usage\":true}}{max}}}");

        lines.Should().HaveCount(tokens + 3, "{0} tokens, the final chunk, the usage chunk and [DONE]", tokens);
        using var final = JsonDocument.Parse(lines[^3]["data: ".Length..]);
        var choice = final.RootElement.GetProperty("choices")[0];
        choice.GetProperty("finish_reason").GetString().Should().Be(finishReason);
        choice.GetProperty("delta").TryGetProperty("content", out _).Should().BeFalse("the final chunk carries no text");
        using var usage = JsonDocument.Parse(lines[^2]["data: ".Length..]);
        usage.RootElement.GetProperty("choices").GetArrayLength().Should().Be(0);
        usage.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32().Should().Be(tokens);
        lines[^1].Should().Be("data: [DONE]");
    }

    /// <returns>The stream's non-empty lines, up to and with <c>data: [DONE]</c>.</returns>
    private static async Task<IReadOnlyList<string>> StreamLinesAsync(SimProcess sim, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        using var response = await sim.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0)
                continue;
            lines.Add(line);
            if (line == "data: [DONE]")
                break;
        }

        return lines;
    }
}
