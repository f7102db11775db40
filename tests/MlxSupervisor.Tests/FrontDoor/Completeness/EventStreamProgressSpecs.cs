using System.Text;
using FluentAssertions;
using MlxSupervisor.FrontDoor.Completeness;
using Xunit;

namespace MlxSupervisor.Tests.FrontDoor.Completeness;

public sealed class EventStreamProgressSpecs
{
    private static EventStreamProgress Fed(params string[] parts)
    {
        var progress = new EventStreamProgress();
        foreach (var part in parts)
            progress.Feed(Encoding.UTF8.GetBytes(part));
        return progress;
    }

    [Fact]
    public void Comments_are_not_content()
    {
        using var progress = Fed(": keepalive 1/3\n\n", ": keepalive 2/3\n\n");

        progress.DataLines.Should().Be(0);
        progress.ReachedEnd.Should().BeFalse();
    }

    [Fact]
    public void Data_lines_are_counted_in_any_split_and_DONE_ends_the_stream()
    {
        using var progress = Fed("da", "ta: {\"choices\":[{\"delta\":{\"content\":\"tok1\"},\"finish_reason\":null}]}\n", "\ndata: [DO", "NE]\r\n\r\n");

        progress.DataLines.Should().Be(2);
        progress.SawFinishReason.Should().BeFalse("null is not a finish reason");
        progress.SawDone.Should().BeTrue();
    }

    [Theory]
    [InlineData("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")]
    [InlineData("data: {\"choices\": [{\"delta\": {}, \"finish_reason\": \"length\"}]}\n\n")]
    public void A_chunk_with_a_finish_reason_is_the_end_as_Python_and_dotnet_write_it(string chunk)
    {
        using var progress = Fed(chunk);

        progress.SawFinishReason.Should().BeTrue();
        progress.ReachedEnd.Should().BeTrue();
    }

    [Fact]
    public void A_cut_stream_has_not_reached_its_end()
    {
        using var progress = Fed("data: {\"choices\":[{\"delta\":{\"content\":\"tok1\"},\"finish_reason\":null}]}\n\n", "data: {\"choi");

        progress.DataLines.Should().Be(1, "the cut line never ended");
        progress.ReachedEnd.Should().BeFalse();
    }

    [Fact]
    public void A_data_line_longer_than_the_buffer_is_counted_but_not_taken_for_the_end()
    {
        using var progress = Fed("data: {\"content\":\"" + new string('x', 40_000) + "\",\"finish_reason\":\"stop\"}\n");

        progress.DataLines.Should().Be(1);
        progress.ReachedEnd.Should().BeFalse("a chunk that long is content, and its end was not read");
    }
}
