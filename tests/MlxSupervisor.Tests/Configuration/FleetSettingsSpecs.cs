using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Configuration;

/// <summary>The fleet of Supervisor:Servers, from settings files layered over the shipped defaults, as the daemon reads them.</summary>
public sealed class FleetSettingsSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>The example: a coder that starts with the daemon and a chat model started on demand.</summary>
    private const string Incident = """
        { "Supervisor": {
            "Health": { "Interval": "00:00:20" },
            "Servers": {
              "coder": {
                "Models": ["qwen2.5-coder:32b", "mlx-community/Qwen2.5-Coder-32B-Instruct-4bit"],
                "Server": { "Command": "mlx_lm.server", "Arguments": ["--model", "mlx-community/Qwen2.5-Coder-32B-Instruct-4bit", "--port", "8101"] },
                "Health": { "Url": "http://127.0.0.1:8101/health" },
                "Start": "AtBoot",
                "MemoryEstimate": "20GB"
              },
              "chat": {
                "Models": ["phi3.5:3.8b"],
                "Server": { "Command": "mlx_lm.server", "Arguments": ["--model", "mlx-community/Phi-3.5-mini-instruct-4bit", "--port", "8102"] },
                "Health": { "Url": "http://127.0.0.1:8102/health", "FatalOutput": [], "StartupTimeout": "00:01:00" },
                "Restart": { "Policy": "OnFailure" },
                "Start": "OnDemand", "IdleTimeout": "00:10:00", "MemoryEstimate": "4GB", "MaxConcurrentRequests": 2
              }
            },
            "Fleet": { "MemoryBudget": "100GB", "DefaultServer": "coder", "MinResidency": "00:00:30", "Strategy": "OneForOne" }
        } }
        """;

    private SupervisorOptions Load(string json, params (string Key, string Value)[] environment) =>
        SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, _dir.File("user.json", json)]))
            .AddInMemoryCollection(environment.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)))
            .Build());

    private IReadOnlyList<string> Errors(string json)
    {
        var load = () => Load(json);
        return load.Should().Throw<SettingsException>().Which.Errors;
    }

    private static string With(string replace, string by) => Incident.Replace(replace, by, StringComparison.Ordinal);

    [Fact]
    public void Each_server_lays_its_own_sections_over_the_top_level_ones_which_are_its_defaults()
    {
        var o = Load(Incident);

        o.IsFleet.Should().BeTrue();
        o.Servers.Select(s => s.Name).Should().Equal(["chat", "coder"], "in the order of their names, as configuration keys come");
        var coder = o.ServerNamed("coder")!;
        var chat = o.ServerNamed("chat")!;
        coder.Options.Health.Interval.Should().Be(TimeSpan.FromSeconds(20), "the top-level Health is every server's default");
        coder.Options.Health.Url.Should().Be("http://127.0.0.1:8101/health");
        coder.Options.Health.FatalOutput.Should().HaveCount(3, "the shipped MLX patterns are inherited");
        chat.Options.Health.FatalOutput.Should().BeEmpty("a list written as [] replaces the inherited one whole");
        chat.Options.Health.StartupTimeout.Should().Be(TimeSpan.FromMinutes(1));
        chat.Options.Restart.Policy.Should().Be(RestartPolicy.OnFailure);
        coder.Options.Restart.Policy.Should().Be(RestartPolicy.Always);
        chat.Options.Server.Arguments.Should().Equal("--model", "mlx-community/Phi-3.5-mini-instruct-4bit", "--port", "8102");
        chat.Start.Should().Be(ServerStart.OnDemand);
        chat.IdleTimeout.Should().Be(TimeSpan.FromMinutes(10));
        chat.MemoryEstimateBytes.Should().Be(4L << 30);
        chat.MaxConcurrentRequests.Should().Be(2);
        coder.MaxConcurrentRequests.Should().Be(4, "Proxy:MaxConcurrentRequests is the default");
        coder.Serves("QWEN2.5-coder:32b").Should().BeTrue("models match exactly, but for case");
        o.Fleet.MemoryBudgetBytes.Should().Be(100L << 30);
        o.Fleet.DefaultServer.Should().Be("coder");
    }

    [Fact]
    public void Without_Servers_there_is_one_server_named_default_that_serves_every_model_with_the_top_level_options()
    {
        var o = Load("""{ "Supervisor": { "Health": { "Interval": "00:00:20" } } }""");

        o.IsFleet.Should().BeFalse();
        var single = o.Servers.Should().ContainSingle().Which;
        single.Name.Should().Be("default");
        single.IsSingle.Should().BeTrue();
        single.Options.Should().BeSameAs(o);
    }

    [Fact]
    public void A_top_level_Server_beside_Servers_is_refused_with_a_line_saying_to_move_it()
    {
        Errors(Incident.Replace("\"Health\": { \"Interval\": \"00:00:20\" },", "\"Server\": { \"Command\": \"mlx_lm.server\" },", StringComparison.Ordinal))
            .Should().ContainSingle().Which.Should().Be(
                "Supervisor:Server is set, but with Supervisor:Servers each server has its own: move it into Supervisor:Servers:<name>:Server.");
    }

    [Fact]
    public void A_model_listed_under_two_servers_is_refused_naming_both_keys()
    {
        Errors(With("\"Models\": [\"phi3.5:3.8b\"]", "\"Models\": [\"Qwen2.5-Coder:32b\"]")).Should().ContainSingle().Which.Should().Be(
            "Supervisor:Servers:coder:Models 'qwen2.5-coder:32b' is also listed under Supervisor:Servers:chat:Models: a model is served by one server.");
    }

    [Fact]
    public void Two_servers_on_one_port_are_refused()
    {
        Errors(With("http://127.0.0.1:8102/health", "http://127.0.0.1:8101/health")).Should().ContainSingle().Which.Should().Be(
            "Supervisor:Servers:coder:Health:Url 'http://127.0.0.1:8101/health' is on port 8101, as Supervisor:Servers:chat:Health:Url is: each server needs a port of its own.");
    }

    [Fact]
    public void A_server_on_the_front_doors_port_is_refused()
    {
        Errors(With("http://127.0.0.1:8102/health", "http://127.0.0.1:8080/health")).Should().ContainSingle().Which.Should().StartWith(
            "Supervisor:Servers:chat:Health:Url 'http://127.0.0.1:8080/health' is the front door's own address (Supervisor:Proxy:Listen 'http://127.0.0.1:8080')");
    }

    [Fact]
    public void A_DefaultServer_that_names_no_server_is_refused()
    {
        Errors(With("\"DefaultServer\": \"coder\"", "\"DefaultServer\": \"coding\"")).Should().ContainSingle().Which.Should().Be(
            "Supervisor:Fleet:DefaultServer 'coding' names no server; the servers are chat, coder.");
    }

    [Fact]
    public void AtBoot_estimates_that_together_exceed_the_budget_are_refused_with_the_figures()
    {
        Errors(With("\"MemoryBudget\": \"100GB\"", "\"MemoryBudget\": \"16GB\"")).Should().ContainSingle().Which.Should().Be(
            "Supervisor:Fleet:MemoryBudget '16GB' is below the AtBoot servers' MemoryEstimates together, 20 GB (coder 20 GB): they could not all run at once.");
    }

    [Theory]
    [InlineData("\"chat\": {", "\"Chat_2\": {", "Supervisor:Servers:Chat_2 'Chat_2' is not a server name")]
    [InlineData("\"Models\": [\"phi3.5:3.8b\"]", "\"Models\": []", "Supervisor:Servers:chat:Models must list at least one model name")]
    [InlineData("\"Health\": { \"Url\": \"http://127.0.0.1:8102/health\", ", "\"Health\": { ", "Supervisor:Servers:chat:Health:Url is missing")]
    [InlineData("\"Start\": \"OnDemand\"", "\"Start\": \"Lazily\"", "Supervisor:Servers:chat:Start 'Lazily' is not AtBoot or OnDemand.")]
    [InlineData("\"Start\": \"AtBoot\",", "\"Start\": \"AtBoot\", \"IdleTimeout\": \"00:05:00\",", "Supervisor:Servers:coder:IdleTimeout '00:05:00' applies to OnDemand servers only")]
    [InlineData("\"MemoryEstimate\": \"4GB\"", "\"MemoryEstimate\": \"four\"", "Supervisor:Servers:chat:MemoryEstimate 'four' is not a size")]
    [InlineData("\"MaxConcurrentRequests\": 2", "\"MaxConcurrentRequests\": 0", "Supervisor:Servers:chat:MaxConcurrentRequests '0' must be at least 1")]
    [InlineData("\"StartupTimeout\": \"00:01:00\"", "\"StartupTimeout\": \"soon\"", "Supervisor:Servers:chat:Health:StartupTimeout 'soon' is not a time span")]
    [InlineData("\"Policy\": \"OnFailure\"", "\"Policy\": \"Sometimes\"", "Supervisor:Servers:chat:Restart:Policy 'Sometimes' is not Always, OnFailure or Never.")]
    [InlineData("\"Strategy\": \"OneForOne\"", "\"Strategy\": \"AllForOne\"", "Supervisor:Fleet:Strategy 'AllForOne' is not OneForOne or OneForAll.")]
    public void A_bad_entry_is_refused_with_one_line_naming_its_key(string replace, string by, string expected)
    {
        Errors(With(replace, by)).Should().ContainSingle().Which.Should().StartWith(expected);
    }

    [Fact]
    public void A_bad_top_level_default_is_reported_once_under_its_own_key_not_once_per_server()
    {
        Errors(With("\"Interval\": \"00:00:20\"", "\"Interval\": \"00:00:00\"")).Should().ContainSingle().Which.Should().StartWith(
            "Supervisor:Health:Interval '00:00:00' must be a positive time span");
    }

    [Fact]
    public void With_a_budget_every_server_needs_an_estimate()
    {
        Errors(With(", \"MemoryEstimate\": \"4GB\"", "")).Should().ContainSingle().Which.Should().StartWith(
            "Supervisor:Servers:chat:MemoryEstimate is missing: with Supervisor:Fleet:MemoryBudget set");
    }

    public void Dispose() => _dir.Dispose();
}
