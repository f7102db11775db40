using FluentAssertions;
using MlxSupervisor.Bench.Load;
using MlxSupervisor.Bench.Subjects;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>How the bench drives wrk and reads its figures (issue 14's nginx comparison, issue 13's routing cost).</summary>
public sealed class WrkSpecs
{
    private const string Line = "wrk-result requests=52425 duration_us=2010000 mean_us=88.990 p50_us=27.000 p90_us=64.000 p99_us=2220.000 max_us=7220.000 connect=0 read=1 write=0 status=3 timeout=2";

    [Fact]
    public void The_done_hook_line_is_read_among_wrk_own_output_with_its_exact_figures()
    {
        var result = WrkResult.Parse(["Running 2s test @ http://127.0.0.1:8080/v1/models", "Requests/sec:  26045.48", Line]);

        result.Should().Be(new WrkResult(52425, 2010000, 88.99, 27, 64, 2220, 7220, Errors: 6));
        result!.RequestsPerSecond.Should().BeApproximately(26082.1, 0.1);
    }

    [Fact]
    public void Output_without_the_line_or_with_a_field_missing_gives_no_figures()
    {
        WrkResult.Parse(["Requests/sec:  26045.48"]).Should().BeNull();
        WrkResult.Parse([Line.Replace(" p99_us=2220.000", "", StringComparison.Ordinal)]).Should().BeNull();
    }

    [Fact]
    public void The_script_of_a_post_sends_the_body_as_json_and_prints_the_figures_when_done()
    {
        var script = WrkScript.Text("""{"model":"model-c"}""");

        script.Should().Contain("wrk.method = \"POST\"")
            .And.Contain("""wrk.body = [==[{"model":"model-c"}]==]""")
            .And.Contain("wrk.headers[\"Content-Type\"] = \"application/json\"")
            .And.Contain("done = function(summary, latency, requests)")
            .And.Contain("latency:percentile(99)")
            .And.Contain(WrkResult.Mark);
    }

    [Fact]
    public void The_script_of_a_get_changes_nothing_of_the_request()
    {
        WrkScript.Text(jsonBody: null).Should().NotContain("wrk.method").And.NotContain("wrk.body");
    }

    [Fact]
    public void Wrk_gets_one_thread_per_connection_up_to_the_cores_and_whole_seconds()
    {
        var arguments = WrkRunner.Arguments("/tmp/x.lua", new Uri("http://127.0.0.1:9/v1/models"), 16, TimeSpan.FromSeconds(5));

        arguments.Should().ContainInOrder("-t", Math.Min(16, Environment.ProcessorCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "16", "-d", "5s", "--latency", "-s", "/tmp/x.lua", "http://127.0.0.1:9/v1/models");
        WrkRunner.Threads(1).Should().Be(1);
    }

    [Fact]
    public void A_missing_tool_is_one_line_naming_the_Debian_packages_to_install()
    {
        BenchPaths.MissingForHttpLoad(nginx: null, wrk: null).Should().Be("needs nginx and wrk, not installed here (Debian: apt-get install -y nginx wrk)");
        BenchPaths.MissingForHttpLoad(nginx: "/usr/sbin/nginx", wrk: null).Should().Be("needs wrk, not installed here (Debian: apt-get install -y wrk)");
        BenchPaths.MissingForHttpLoad(nginx: "/usr/sbin/nginx", wrk: "/usr/bin/wrk").Should().BeNull();
    }

    [Fact]
    public void Each_round_rotates_the_order_of_the_targets_so_each_goes_first_in_turn()
    {
        string[] targets = ["door", "nginx", "direct"];

        AlternatingLoad.Order(targets, 0).Should().Equal("door", "nginx", "direct");
        AlternatingLoad.Order(targets, 1).Should().Equal("nginx", "direct", "door");
        AlternatingLoad.Order(targets, 2).Should().Equal("direct", "door", "nginx");
        AlternatingLoad.Order(targets, 3).Should().Equal("door", "nginx", "direct");
    }
}
