using FluentAssertions;
using MlxSupervisor.Bench.Clients;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>How the stream-integrity figure judges a stream, from what its client saw (issue 12, item 6).</summary>
public sealed class StreamVerdictSpecs
{
    private static readonly string Answer = StreamVerdicts.SimAnswer(3);
    private static readonly DateTimeOffset At = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static StreamReading Reading(int? status = 200, string? content = null, bool finish = true, bool done = true,
        string? errorEvent = null, int malformed = 0, string? broken = null, bool noEnd = false) =>
        new(At, At.AddSeconds(1), status, At.AddMilliseconds(10), content ?? Answer, finish, done ? At.AddMilliseconds(900) : null,
            errorEvent, malformed, broken, noEnd);

    [Fact]
    public void A_2xx_stream_with_every_token_a_finish_reason_and_DONE_that_ends_cleanly_is_whole()
    {
        StreamVerdicts.Judge(Reading(), Answer).Should().Be(StreamVerdict.Whole);
    }

    [Fact]
    public void A_clean_end_without_DONE_is_truncated_though_every_token_came()
    {
        StreamVerdicts.Judge(Reading(done: false), Answer).Should().Be(StreamVerdict.TruncatedClean);
    }

    [Fact]
    public void A_clean_end_without_a_finish_reason_is_truncated()
    {
        StreamVerdicts.Judge(Reading(finish: false), Answer).Should().Be(StreamVerdict.TruncatedClean);
    }

    [Fact]
    public void A_clean_end_with_a_token_missing_is_truncated_even_with_finish_reason_and_DONE()
    {
        StreamVerdicts.Judge(Reading(content: "tok1 tok2"), Answer).Should().Be(StreamVerdict.TruncatedClean);
    }

    [Fact]
    public void A_token_sent_twice_is_not_whole()
    {
        StreamVerdicts.Judge(Reading(content: "tok1 tok1 tok2 tok3"), Answer).Should().Be(StreamVerdict.TruncatedClean);
    }

    [Fact]
    public void A_data_event_that_is_not_JSON_is_not_whole()
    {
        StreamVerdicts.Judge(Reading(malformed: 1), Answer).Should().Be(StreamVerdict.TruncatedClean);
    }

    [Fact]
    public void An_SSE_error_event_is_an_error_the_client_saw_even_when_the_body_then_ends_cleanly()
    {
        StreamVerdicts.Judge(Reading(content: "tok1", done: false, finish: false, errorEvent: "the server died"), Answer)
            .Should().Be(StreamVerdict.ErrorSeen);
    }

    [Fact]
    public void A_broken_body_is_an_error_the_client_saw()
    {
        StreamVerdicts.Judge(Reading(content: "tok1", done: false, finish: false, broken: "HttpIOException: The response ended prematurely."), Answer)
            .Should().Be(StreamVerdict.ErrorSeen);
    }

    [Fact]
    public void A_status_other_than_2xx_or_no_response_at_all_is_an_error_the_client_saw()
    {
        StreamVerdicts.Judge(Reading(status: 502, content: "", done: false, finish: false), Answer).Should().Be(StreamVerdict.ErrorSeen);
        StreamVerdicts.Judge(Reading(status: null, content: "", done: false, finish: false, broken: "HttpRequestException: Connection refused"), Answer)
            .Should().Be(StreamVerdict.ErrorSeen);
    }

    [Fact]
    public void A_stream_that_neither_ended_nor_broke_within_its_bound_has_no_end()
    {
        StreamVerdicts.Judge(Reading(content: "tok1", done: false, finish: false, noEnd: true), Answer).Should().Be(StreamVerdict.NoEnd);
    }

    [Fact]
    public void The_expected_answer_numbers_the_tokens_from_one_as_the_sim_does()
    {
        StreamVerdicts.SimAnswer(3).Should().Be("tok1 tok2 tok3");
    }
}
