using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Status;

/// <summary>The Status and Notify sections are checked with the rest of the settings, one line per problem.</summary>
public sealed class StatusSettingsSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SupervisorOptions Load(params (string Key, string? Value)[] overrides) =>
        SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build());

    private static IReadOnlyList<string> ErrorsFor(params (string Key, string? Value)[] overrides)
    {
        var act = () => Load(overrides);
        return act.Should().Throw<SettingsException>().Which.Errors;
    }

    [Fact]
    public void The_shipped_defaults_listen_on_loopback_port_8090_with_no_token_and_no_hook()
    {
        var o = Load();

        o.Status.Listen.Should().Be("http://127.0.0.1:8090");
        o.Status.Enabled.Should().BeTrue();
        o.Status.HasToken.Should().BeFalse();
        o.Status.AllowRemote.Should().BeFalse();
        o.Notify.Enabled.Should().BeFalse();
        o.Notify.Timeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("http://0.0.0.0:8090")]
    [InlineData("http://192.168.1.20:8090")]
    [InlineData("http://mac-studio.local:8090")]
    public void A_non_loopback_listen_address_without_AllowRemote_and_a_token_is_refused_naming_the_key_and_value(string listen)
    {
        ErrorsFor(("Status:Listen", listen)).Should().ContainSingle()
            .Which.Should().StartWith($"Status:Listen '{listen}' is not a loopback address: set Status:AllowRemote to true and a Status:Token");
    }

    [Fact]
    public void AllowRemote_without_a_token_is_still_refused()
    {
        ErrorsFor(("Status:Listen", "http://0.0.0.0:8090"), ("Status:AllowRemote", "true")).Should().ContainSingle()
            .Which.Should().Contain("Status:Listen 'http://0.0.0.0:8090' is not a loopback address");
    }

    [Fact]
    public void A_remote_listen_address_is_accepted_with_AllowRemote_and_a_token()
    {
        var o = Load(("Status:Listen", "http://0.0.0.0:8090"), ("Status:AllowRemote", "true"), ("Status:Token", "s3cret"));

        o.Status.Listen.Should().Be("http://0.0.0.0:8090");
    }

    [Theory]
    [InlineData("127.0.0.1:8090")]
    [InlineData("https://127.0.0.1:8090")]
    [InlineData("http://127.0.0.1:8090/status")]
    public void A_listen_value_that_is_not_a_plain_http_URL_is_refused(string listen)
    {
        ErrorsFor(("Status:Listen", listen)).Should().ContainSingle()
            .Which.Should().Be($"Status:Listen '{listen}' is not an http URL with a host and a port, e.g. \"http://127.0.0.1:8090\".");
    }

    [Fact]
    public void An_empty_listen_address_turns_the_endpoint_off()
    {
        Load(("Status:Listen", "")).Status.Enabled.Should().BeFalse();
    }

    [Fact]
    public void A_token_file_readable_by_group_or_others_is_refused_with_the_chmod_that_fixes_it()
    {
        var file = _dir.File("token", "s3cret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ErrorsFor(("Status:TokenFile", file)).Should().ContainSingle()
            .Which.Should().Be($"Status:TokenFile '{file}' has mode 644: it must be readable by its owner only, e.g. chmod 600 '{file}'.");
    }

    [Fact]
    public void A_token_file_readable_only_by_its_owner_is_accepted_and_its_token_trimmed()
    {
        var file = _dir.File("token", "s3cret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var token = MlxSupervisor.Status.StatusToken.Load(Load(("Status:TokenFile", file)).Status);

        token!.Accepts("Bearer s3cret").Should().BeTrue();
        token.Accepts("Bearer s3cre").Should().BeFalse();
        token.Accepts("s3cret").Should().BeFalse();
    }

    [Fact]
    public void A_missing_token_file_and_a_doubly_set_token_are_both_named()
    {
        ErrorsFor(("Status:Token", "a"), ("Status:TokenFile", "/nonexistent/token")).Should().BeEquivalentTo(
            "Status:Token and Status:TokenFile '/nonexistent/token' are both set: keep one.",
            "Status:TokenFile '/nonexistent/token' does not exist.");
    }

    [Fact]
    public void Bad_status_and_notify_values_are_reported_with_the_supervisor_ones()
    {
        ErrorsFor(("Status:AllowRemote", "yes"), ("Notify:Timeout", "soon"), ("Supervisor:Health:Interval", "often")).Should().BeEquivalentTo(
            "Supervisor:Health:Interval 'often' is not a time span; write it as hh:mm:ss, e.g. \"00:00:10\".",
            "Status:AllowRemote 'yes' is not true or false.",
            "Notify:Timeout 'soon' is not a time span; write it as hh:mm:ss, e.g. \"00:00:10\".");
    }

    [Fact]
    public void A_hook_needs_a_command_and_a_positive_timeout()
    {
        ErrorsFor(("Notify:Arguments:0", "-c"), ("Notify:Timeout", "00:00:00")).Should().BeEquivalentTo(
            "Notify:Arguments are set but Notify:Command is missing: set it to the program to run, e.g. \"/usr/bin/curl\".",
            "Notify:Timeout '00:00:00' must be a positive time span (hh:mm:ss).");
    }
}
