using System.ClientModel;
using System.Globalization;
using System.Text;
using FluentAssertions;
using MlxSupervisor.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using Xunit;
using Xunit.Abstractions;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>Server-sent events pass through unbuffered.</summary>
public sealed class StreamingSpecs(ITestOutputHelper output)
{
    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task Chunks_sent_50_ms_apart_reach_the_client_about_50_ms_apart_not_all_at_the_end()
    {
        await using var door = new RealFrontDoor(["--tokens", "10", "--token-delay-ms", "50"]);
        await door.StartAsync();

        (await ChatStream.Start(door.Client, maxTokens: 1).Outcome.WaitAsync(Timeouts.Wait)).Done.Should().BeTrue("a first request warms both paths up");
        var direct = await ChatStream.Start(door.Direct).Outcome.WaitAsync(Timeouts.Wait);
        var proxied = await ChatStream.Start(door.Client).Outcome.WaitAsync(Timeouts.Wait);

        proxied.Done.Should().BeTrue(proxied.ToString());
        var tokens = proxied.Tokens;
        tokens.Should().HaveCount(10);
        Report("direct", direct.Tokens);
        Report("front door", tokens);

        // The server sends the last token 450 ms after the first. Buffered, they would arrive together at the end.
        (tokens[^1].At - tokens[0].At).Should().BeGreaterThan(TimeSpan.FromMilliseconds(270), "the first chunk arrives long before the last is sent");
        Gaps(tokens).Order().ElementAt(4).Should().BeInRange(25, 150, "the median gap between chunks is about the 50 ms between tokens");
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_official_OpenAI_client_streams_a_chat_completion_through_the_front_door()
    {
        await using var door = new RealFrontDoor(["--tokens", "5", "--token-delay-ms", "20"]);
        await door.StartAsync();
        var client = new ChatClient("sim-model", new ApiKeyCredential("not-checked"),
            new OpenAIClientOptions { Endpoint = new Uri(door.Server.Address, "/v1") });

        var text = new StringBuilder();
        var updates = 0;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hello")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
                text.Append(part.Text);
        }

        text.ToString().Should().Be("tok1 tok2 tok3 tok4 tok5");
        updates.Should().BeGreaterThanOrEqualTo(5, "each token came as its own update");
    }

    private static List<double> Gaps(IReadOnlyList<SseEvent> events) =>
        events.Zip(events.Skip(1), (a, b) => (b.At - a.At).TotalMilliseconds).ToList();

    private void Report(string path, IReadOnlyList<SseEvent> events) =>
        output.WriteLine($"{path}: first token at {events[0].At.TotalMilliseconds:0} ms, gaps (ms): " +
            string.Join(' ', Gaps(events).Select(g => g.ToString("0.0", CultureInfo.InvariantCulture))));
}
