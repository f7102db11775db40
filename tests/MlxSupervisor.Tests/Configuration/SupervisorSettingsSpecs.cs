using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Configuration;

public sealed class SupervisorSettingsSpecs
{
    private static SupervisorOptions LoadDefaultsWith(params (string Key, string? Value)[] overrides) =>
        SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>("Supervisor:" + o.Key, o.Value)))
            .Build());

    private static IEnumerable<string> ErrorsFor(params (string Key, string? Value)[] overrides)
    {
        var act = () => LoadDefaultsWith(overrides);
        return act.Should().Throw<SettingsException>().Which.Errors;
    }

    [Fact]
    public void The_shipped_defaults_are_the_documented_ones()
    {
        var o = LoadDefaultsWith();

        o.Server.Command.Should().Be("mlx_lm.server");
        o.Server.Arguments.Should().Contain("--port");
        o.Health.Url.Should().Be("http://127.0.0.1:8081/health");
        o.Health.Interval.Should().Be(TimeSpan.FromSeconds(10));
        o.Health.Timeout.Should().Be(TimeSpan.FromSeconds(5));
        o.Health.FailureThreshold.Should().Be(3);
        o.Health.StartupTimeout.Should().Be(TimeSpan.FromMinutes(5));
        o.Restart.InitialDelay.Should().Be(TimeSpan.FromSeconds(2));
        o.Restart.MaxDelay.Should().Be(TimeSpan.FromMinutes(1));
        o.Restart.ResetAfter.Should().Be(TimeSpan.FromMinutes(1));
        o.CircuitBreaker.FailureThreshold.Should().Be(5);
        o.CircuitBreaker.SamplingWindow.Should().Be(TimeSpan.FromMinutes(5));
        o.CircuitBreaker.BreakDuration.Should().Be(TimeSpan.FromMinutes(1));
        o.Shutdown.GracePeriod.Should().Be(TimeSpan.FromSeconds(10));
        o.Server.Adopt.Should().Be(ServerAdoption.IfSame);
    }

    [Theory]
    [InlineData("Server:Command", "", "Supervisor:Server:Command is missing")]
    [InlineData("Health:Url", "localhost:8080/health", "Supervisor:Health:Url 'localhost:8080/health' is not an absolute http(s) URL")]
    [InlineData("Health:Url", "ftp://127.0.0.1/health", "Supervisor:Health:Url 'ftp://127.0.0.1/health'")]
    [InlineData("Health:Interval", "00:00:00", "Supervisor:Health:Interval '00:00:00' must be a positive time span")]
    [InlineData("Restart:InitialDelay", "-00:00:02", "Supervisor:Restart:InitialDelay '-00:00:02' must be a positive time span")]
    [InlineData("Shutdown:GracePeriod", "ten seconds", "Supervisor:Shutdown:GracePeriod 'ten seconds' is not a time span")]
    [InlineData("Health:FailureThreshold", "0", "Supervisor:Health:FailureThreshold '0' must be at least 1")]
    [InlineData("CircuitBreaker:FailureThreshold", "-1", "Supervisor:CircuitBreaker:FailureThreshold '-1' must be at least 1")]
    [InlineData("Health:FailureThreshold", "three", "Supervisor:Health:FailureThreshold 'three' is not a whole number")]
    [InlineData("Restart:MaxDelay", "00:00:01", "Supervisor:Restart:MaxDelay '00:00:01' is below Supervisor:Restart:InitialDelay '00:00:02'")]
    [InlineData("Health:Timeout", "00:00:10", "Supervisor:Health:Timeout '00:00:10' must be below Supervisor:Health:Interval '00:00:10'")]
    [InlineData("Server:Adopt", "Maybe", "Supervisor:Server:Adopt 'Maybe' is not IfSame or Never")]
    [InlineData("Server:Adopt", "1", "Supervisor:Server:Adopt '1' is not IfSame or Never")]
    [InlineData("Server:Adopt", "IfSame, Never", "Supervisor:Server:Adopt 'IfSame, Never' is not IfSame or Never")]
    public void An_invalid_value_is_refused_with_a_line_naming_the_key_and_the_value(string key, string value, string expected)
    {
        ErrorsFor((key, value)).Should().ContainSingle().Which.Should().Contain(expected);
    }

    [Fact]
    public void Adopt_takes_its_value_by_name_in_any_case()
    {
        LoadDefaultsWith(("Server:Adopt", "never")).Server.Adopt.Should().Be(ServerAdoption.Never);
    }

    [Fact]
    public void The_settings_line_in_the_log_names_the_adoption_rule_by_name()
    {
        RedactedSettings.Describe(LoadDefaultsWith()).Should().Contain("\"Adopt\":\"IfSame\"");
    }

    [Fact]
    public void Every_unparsable_value_is_reported_not_just_the_first()
    {
        ErrorsFor(("Health:Interval", "soon"), ("Restart:MaxDelay", "1 minute")).Should().HaveCount(2);
    }

    [Fact]
    public void A_user_file_layered_over_the_defaults_changes_only_its_keys_and_replaces_lists_whole()
    {
        using var dir = new TempDirectory();
        var user = dir.File("user.json", """
            { "Supervisor": { "Server": { "Arguments": ["--port", "9000"] }, "Health": { "Interval": "00:00:30" } } }
            """);

        var o = SupervisorSettings.Load(new ConfigurationBuilder().Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, user])).Build());

        o.Server.Arguments.Should().Equal("--port", "9000");
        o.Health.Interval.Should().Be(TimeSpan.FromSeconds(30));
        o.Health.Timeout.Should().Be(TimeSpan.FromSeconds(5), "keys the user file leaves out keep their defaults");
        o.Server.Command.Should().Be("mlx_lm.server");
    }

    [Fact]
    public void A_missing_settings_file_is_named_in_the_error()
    {
        var act = () => new ConfigurationBuilder().Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, "/nonexistent/mine.json"])).Build();

        act.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle()
            .Which.Should().Be("Settings file '/nonexistent/mine.json' does not exist.");
    }

    [Fact]
    public void A_settings_file_that_is_not_json_is_named_in_the_error()
    {
        using var dir = new TempDirectory();
        var broken = dir.File("broken.json", "{ \"Supervisor\": { \"Health\": ");

        var act = () => new ConfigurationBuilder().Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, broken])).Build();

        act.Should().Throw<SettingsException>().Which.Errors.Single().Should().StartWith($"Settings file '{broken}' is not valid JSON");
    }
}
