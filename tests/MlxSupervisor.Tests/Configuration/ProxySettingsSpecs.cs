using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Configuration;

/// <summary><c>Supervisor:Proxy</c>: the front door's settings.</summary>
public sealed class ProxySettingsSpecs
{
    private static SupervisorOptions LoadDefaultsWith(params (string Key, string? Value)[] overrides) =>
        SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>("Supervisor:" + o.Key, o.Value)))
            .Build());

    [Fact]
    public void By_default_the_front_door_takes_the_clients_port_8080_and_the_server_moves_to_8081()
    {
        var o = LoadDefaultsWith();

        o.Proxy.Enabled.Should().BeTrue();
        o.Proxy.Listen.Should().Be("http://127.0.0.1:8080");
        o.Proxy.MaxConcurrentRequests.Should().Be(4);
        o.Proxy.QueueLimit.Should().Be(64);
        o.Proxy.QueueTimeout.Should().Be(TimeSpan.FromMinutes(5));
        o.Proxy.StallTimeout.Should().Be(TimeSpan.FromMinutes(2));
        o.Server.Arguments.SkipWhile(a => a != "--port").Skip(1).First().Should().Be("8081");
        o.Health.Url.Should().Be("http://127.0.0.1:8081/health");
    }

    [Fact]
    public void The_code_defaults_match_the_shipped_file()
    {
        var shipped = LoadDefaultsWith().Proxy;

        new ProxyOptions().Should().BeEquivalentTo(shipped);
    }

    [Theory]
    [InlineData("Proxy:Listen", "https://127.0.0.1:8080", "Supervisor:Proxy:Listen 'https://127.0.0.1:8080' is not an http URL")]
    [InlineData("Proxy:Listen", "http://example.com:8080", "Supervisor:Proxy:Listen 'http://example.com:8080' is not an http URL")]
    [InlineData("Proxy:Listen", "http://127.0.0.1", "Supervisor:Proxy:Listen 'http://127.0.0.1' is not an http URL with an IP address or localhost and a port")]
    [InlineData("Proxy:Listen", "127.0.0.1:8080", "Supervisor:Proxy:Listen '127.0.0.1:8080'")]
    [InlineData("Proxy:Listen", "http://127.0.0.1:8081", "Supervisor:Proxy:Listen 'http://127.0.0.1:8081' is the server's own address")]
    [InlineData("Proxy:Listen", "http://0.0.0.0:8081", "Supervisor:Proxy:Listen 'http://0.0.0.0:8081' is the server's own address")]
    [InlineData("Proxy:MaxConcurrentRequests", "0", "Supervisor:Proxy:MaxConcurrentRequests '0' must be at least 1")]
    [InlineData("Proxy:QueueLimit", "-1", "Supervisor:Proxy:QueueLimit '-1' must be 0 or more")]
    [InlineData("Proxy:QueueTimeout", "00:00:00", "Supervisor:Proxy:QueueTimeout '00:00:00' must be a positive time span")]
    [InlineData("Proxy:StallTimeout", "-00:01:00", "Supervisor:Proxy:StallTimeout '-00:01:00' must be a positive time span")]
    [InlineData("Proxy:StallTimeout", "2 minutes", "Supervisor:Proxy:StallTimeout '2 minutes' is not a time span")]
    [InlineData("Proxy:Enabled", "yes", "Supervisor:Proxy:Enabled 'yes' is not true or false")]
    public void An_invalid_value_is_refused_with_a_line_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var act = () => LoadDefaultsWith((key, value));

        act.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle().Which.Should().Contain(expected);
    }

    [Fact]
    public void With_the_front_door_disabled_its_settings_are_not_checked()
    {
        var o = LoadDefaultsWith(("Proxy:Enabled", "false"), ("Proxy:Listen", "http://127.0.0.1:8081"), ("Proxy:MaxConcurrentRequests", "0"));

        o.Proxy.Enabled.Should().BeFalse();
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://localhost:8080")]
    [InlineData("http://[::1]:8080")]
    public void A_listen_address_Kestrel_can_bind_is_accepted(string listen)
    {
        LoadDefaultsWith(("Proxy:Listen", listen)).Proxy.Listen.Should().Be(listen);
    }
}
