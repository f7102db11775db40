using System.ClientModel;
using System.Net;
using System.Text;
using FluentAssertions;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Tests.Support;
using OpenAI;
using OpenAI.Chat;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor;

/// <summary>
/// A client gets the whole answer or an error, never a truncated answer that looks complete, even from a server that
/// speaks HTTP/1.0 (where a stream ends when the connection closes, so a death mid-stream looks like an end). Real
/// simulated servers on loopback, killed with SIGKILL.
/// </summary>
public sealed class NoTruncatedAnswerSpecs
{
    private static void Kill(int pid) => NativeMethods.Kill(pid, Signals.SIGKILL);

    /// <summary>The fault applies to the first server only: its replacement is spawned with the arguments as they are then.</summary>
    private static void NextServerWithout(RealFrontDoor door, string flag)
    {
        var arguments = door.Supervisor.Options.Server.Arguments.ToList();
        arguments.Remove(flag);
        door.Supervisor.Options.Server.Arguments = arguments;
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stream_cut_after_its_keepalives_but_before_its_first_token_goes_on_with_the_replacements_whole_answer(bool http10)
    {
        string[] sim = ["--keepalive-comments", "4", "--tokens", "4", "--token-delay-ms", "100", .. http10 ? new[] { "--http10" } : []];
        await using var door = new RealFrontDoor(sim);
        await door.StartAsync();
        var first = door.Current.Pid!.Value;
        await using var stream = await EventStreamReader.OpenAsync(door.Client, maxTokens: 4);

        await stream.NextAsync(line => line.StartsWith(": keepalive", StringComparison.Ordinal));
        Kill(first);
        var lines = await stream.RestAsync();

        stream.Failure.Should().BeNull("the client's stream ends cleanly, with the whole answer: " + string.Join(" | ", lines));
        stream.StatusCode.Should().Be(200);
        stream.DataLines.Should().NotContain(l => l.Contains("\"error\"", StringComparison.Ordinal));
        string.Concat(stream.DataLines.Select(TokenText)).Should().Be("tok1 tok2 tok3 tok4");
        stream.DataLines.Last().Should().Be("data: [DONE]");
        door.Current.Pid.Should().NotBe(first, "the answer came from the replacement");
        door.Stats.Snapshot().Retried.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_Metal_out_of_memory_abort_is_named_and_the_request_it_cut_is_answered_by_the_replacement()
    {
        // The readiness probe is the first completion; the client's is the second, and it aborts the server.
        await using var door = new RealFrontDoor(["--http10", "--metal-oom-at-request", "2", "--tokens", "3"]);
        await door.StartAsync();
        var first = door.Current.Pid!.Value;
        var arguments = door.Supervisor.Options.Server.Arguments.ToList();
        arguments.RemoveRange(arguments.IndexOf("--metal-oom-at-request"), 2);
        door.Supervisor.Options.Server.Arguments = arguments;

        var outcome = await ChatStream.Start(door.Client, maxTokens: 3).Outcome.WaitAsync(Timeouts.Wait);

        outcome.Done.Should().BeTrue(outcome.ToString());
        string.Concat(outcome.Tokens.Select(t => TokenText("data: " + t.Data))).Should().Be("tok1 tok2 tok3");
        var exit = door.Supervisor.Events.Should().Contain(e => e.Kind == EventKinds.Exited && e.Pid == first).Which;
        exit.Message.Should().Contain("code=134 (SIGABRT: Metal ran out of GPU memory)");
        door.Supervisor.Logs.Dump().Should().Contain("Metal ran out of GPU memory");
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stream_cut_after_content_ends_with_an_error_event_and_a_broken_body_never_a_clean_end(bool http10)
    {
        string[] sim = ["--tokens", "40", "--token-delay-ms", "50", .. http10 ? new[] { "--http10" } : []];
        await using var door = new RealFrontDoor(sim);
        await door.StartAsync();
        await using var stream = await EventStreamReader.OpenAsync(door.Client, maxTokens: 40);

        await stream.NextAsync(line => line.Contains("tok2", StringComparison.Ordinal));
        Kill(door.Current.Pid!.Value);
        await stream.RestAsync();

        stream.Failure.Should().NotBeNull("the connection is cut, so the client's HTTP stack sees an incomplete body");
        stream.DataLines.Should().NotContain("data: [DONE]");
        var last = stream.DataLines.Last();
        last.Should().Contain("\"error\"").And.Contain("\"code\":\"upstream_cut\"").And.Contain("incomplete");
        door.Stats.Snapshot().Failed.Should().BeGreaterThanOrEqualTo(1);
    }

    [Fact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_official_OpenAI_client_raises_an_error_when_an_HTTP_1_0_stream_is_cut_after_content_and_never_returns_it_as_complete()
    {
        await using var door = new RealFrontDoor(["--http10", "--tokens", "40", "--token-delay-ms", "50"]);
        await door.StartAsync();
        var client = new ChatClient("sim-model", new ApiKeyCredential("not-checked"),
            new OpenAIClientOptions { Endpoint = new Uri(door.Server.Address, "/v1") });
        var pid = door.Current.Pid!.Value;

        var text = new StringBuilder();
        var read = async () =>
        {
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("hello")]))
            {
                foreach (var part in update.ContentUpdate)
                    text.Append(part.Text);
                if (text.ToString().Contains("tok3", StringComparison.Ordinal) && ProcessAssert.IsAlive(pid))
                    Kill(pid);
            }
        };

        await read.Should().ThrowAsync<Exception>("a stream the server did not finish is an error to the SDK, not a short answer");
        text.ToString().Should().StartWith("tok1 tok2 tok3").And.NotContain("tok40");
    }

    [Theory(Timeout = Timeouts.ProcessTestMs)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_non_streamed_answer_cut_short_is_never_forwarded_the_client_gets_the_replacements_whole_answer(bool http10)
    {
        string[] sim = ["--die-mid-answer", "--tokens", "6", .. http10 ? new[] { "--http10" } : []];
        await using var door = new RealFrontDoor(sim);
        await door.StartAsync();
        var first = door.Current.Pid!.Value;
        NextServerWithout(door, "--die-mid-answer");

        using var response = await door.Client.SendAsync(ChatStream.Request(stream: false, maxTokens: 6)).WaitAsync(Timeouts.Wait);
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK, body);
        body.Should().Contain("tok1 tok2 tok3 tok4 tok5 tok6").And.EndWith("}");
        door.Current.Pid.Should().NotBe(first);
    }

    /// <summary>The text of a streamed chunk's delta, or "" for any other line.</summary>
    private static string TokenText(string dataLine)
    {
        const string key = "\"content\":\"";
        var at = dataLine.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
            return "";
        var start = at + key.Length;
        return dataLine[start..dataLine.IndexOf('"', start)];
    }
}
