using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FluentAssertions;
using MlxSupervisor.FrontDoor;
using MlxSupervisor.FrontDoor.Completeness;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor.Completeness;

/// <summary>The guard on the server's body, read as the forwarder reads it, over bodies that end well or are cut.</summary>
public sealed class AnswerGuardSpecs
{
    /// <summary>A body that yields its parts and then ends cleanly, or throws as a broken connection does.</summary>
    private sealed class ScriptedBody(IEnumerable<string> parts, bool breaks) : Stream
    {
        private readonly Queue<byte[]> _parts = new(parts.Select(Encoding.UTF8.GetBytes));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
                return ValueTask.FromResult(0);
            if (_parts.Count == 0)
                return breaks ? throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.") : ValueTask.FromResult(0);
            var part = _parts.Dequeue();
            part.CopyTo(buffer);
            return ValueTask.FromResult(part.Length);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().Result;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static HttpResponseMessage Response(string mediaType, Framing framing)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        response.Content.Headers.ContentLength = framing == Framing.ContentLength ? 10 : null;
        if (framing == Framing.Chunked)
            response.Headers.TransferEncodingChunked = true;
        return response;
    }

    /// <summary>Reads the body through the guard as YARP does, with a zero-byte read before each read.</summary>
    private static async Task<(AnswerGuard Guard, string ClientGot)> ReadThroughAsync(string mediaType, Framing framing, bool breaks, params string[] parts)
    {
        using var response = Response(mediaType, framing);
        var guard = AnswerGuard.For(response);
        using var stats = new FrontDoorStatistics(TimeProvider.System);
        await using var body = new GuardedBody(new ScriptedBody(parts, breaks), guard, stats);
        var got = new MemoryStream();
        var buffer = new byte[64];
        while (true)
        {
            _ = await body.ReadAsync(Memory<byte>.Empty); // "Is there data?": answers 0, and is not the end.
            var read = await body.ReadAsync(buffer);
            if (read == 0)
                break;
            got.Write(buffer, 0, read);
        }
        return (guard, Encoding.UTF8.GetString(got.ToArray()));
    }

    [Fact]
    public async Task A_close_delimited_stream_that_reaches_DONE_is_whole()
    {
        var (guard, got) = await ReadThroughAsync("text/event-stream", Framing.ConnectionClose, breaks: false,
            "data: {\"x\":1}\n\n", "data: [DONE]\n\n");

        guard.IsWhole.Should().BeTrue();
        got.Should().EndWith("data: [DONE]\n\n");
    }

    [Fact]
    public async Task A_close_delimited_stream_that_ends_before_its_end_is_not_whole_though_the_connection_closed_cleanly()
    {
        var (guard, _) = await ReadThroughAsync("text/event-stream", Framing.ConnectionClose, breaks: false, "data: {\"x\":1}\n\n");

        guard.Ended.Should().BeTrue();
        guard.IsWhole.Should().BeFalse();
        guard.ContentSent.Should().BeTrue();
    }

    [Fact]
    public async Task A_chunked_stream_that_ends_cleanly_is_believed_and_one_that_breaks_is_not_whole_and_ends_without_throwing()
    {
        (await ReadThroughAsync("text/event-stream", Framing.Chunked, breaks: false, "data: {\"x\":1}\n\n")).Guard.IsWhole.Should().BeTrue();

        var (broken, got) = await ReadThroughAsync("text/event-stream", Framing.Chunked, breaks: true, ": keepalive 1/2\n\n");
        broken.ConnectionBroke.Should().BeTrue();
        broken.IsWhole.Should().BeFalse();
        broken.ContentSent.Should().BeFalse("only a comment went out, so the stream can still be spliced");
        got.Should().Be(": keepalive 1/2\n\n");
    }

    [Fact]
    public async Task A_whole_close_delimited_JSON_body_is_held_then_passed_on_whole()
    {
        var (guard, got) = await ReadThroughAsync("application/json", Framing.ConnectionClose, breaks: false, "{\"id\":", "\"x\",\"n\":[1,2]}");

        guard.IsWhole.Should().BeTrue();
        got.Should().Be("{\"id\":\"x\",\"n\":[1,2]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_JSON_body_cut_short_reaches_the_client_as_nothing_so_it_can_be_sent_again(bool breaks)
    {
        var (guard, got) = await ReadThroughAsync("application/json", Framing.ConnectionClose, breaks, "{\"id\":\"x\",\"choices\":[");

        guard.IsWhole.Should().BeFalse();
        got.Should().BeEmpty();
        guard.ContentSent.Should().BeFalse();
    }

    [Theory]
    [InlineData(System.Net.HttpStatusCode.NoContent, "OPTIONS")]
    [InlineData(System.Net.HttpStatusCode.OK, "HEAD")]
    public void An_answer_that_has_no_body_is_whole_with_none_though_it_says_JSON_and_ends_at_the_close(System.Net.HttpStatusCode status, string method)
    {
        using var response = Response("application/json", Framing.ConnectionClose);
        response.StatusCode = status;

        var guard = AnswerGuard.For(response, method);
        guard.Ended = true;

        guard.Kind.Should().Be(AnswerKind.Other);
        guard.IsWhole.Should().BeTrue();
    }

    [Theory]
    [InlineData("{\"a\":1}", true)]
    [InlineData("  {\"a\":[1,2,{\"b\":null}]}\n", true)]
    [InlineData("{\"a\":1", false)]
    [InlineData("{\"a\":1}{\"b\":2}", false)]
    [InlineData("", false)]
    public void Only_one_whole_JSON_value_is_a_whole_JSON_body(string body, bool whole)
    {
        AnswerGuard.IsWholeJson(Encoding.UTF8.GetBytes(body)).Should().Be(whole);
    }
}
