using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Process;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Process;

/// <summary>The server's log files take their limits from the daemon's own rolling file: one Serilog section for both.</summary>
public sealed class ServerLogSettingsSpecs : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The shipped settings with <paramref name="overrides"/> laid over them, as environment variables would be.</summary>
    private ServerLogSettings Load(params (string Key, string? Value)[] overrides) =>
        ServerLogSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>(o.Key, o.Value)))
            .Build(), _dir.Path);

    [Fact]
    public void The_limits_are_those_of_the_configured_File_sink()
    {
        var shipped = Load();
        var edited = Load(("Serilog:WriteTo:1:Args:fileSizeLimitBytes", "1048576"), ("Serilog:WriteTo:1:Args:retainedFileCountLimit", "3"));

        shipped.Should().Be(new ServerLogSettings(_dir.Path, 52_428_800, 14));
        edited.FileSizeLimitBytes.Should().Be(1_048_576);
        edited.RetainedFileCount.Should().Be(3);
    }

    [Fact]
    public void Without_a_File_sink_or_with_null_limits_the_shipped_limits_apply_since_the_servers_output_has_no_end_of_its_own()
    {
        var noFileSink = ServerLogSettings.Load(new ConfigurationBuilder().AddInMemoryCollection([new("Serilog:WriteTo:0:Name", "Console")]).Build(), _dir.Path);
        // JSON's null reaches the configuration as an empty value.
        var nullLimits = Load(("Serilog:WriteTo:1:Args:fileSizeLimitBytes", ""), ("Serilog:WriteTo:1:Args:retainedFileCountLimit", null));

        noFileSink.Should().Be(new ServerLogSettings(_dir.Path, ServerLogSettings.DefaultFileSizeLimitBytes, ServerLogSettings.DefaultRetainedFileCount));
        nullLimits.Should().Be(noFileSink);
    }

    [Fact]
    public void A_limit_that_is_not_a_positive_number_is_one_line_naming_its_key_and_value()
    {
        var load = () => Load(("Serilog:WriteTo:1:Args:fileSizeLimitBytes", "lots"), ("Serilog:WriteTo:1:Args:retainedFileCountLimit", "0"));

        load.Should().Throw<SettingsException>().Which.Errors.Should().Equal(
            "Serilog:WriteTo:1:Args:fileSizeLimitBytes 'lots' is not a positive whole number.",
            "Serilog:WriteTo:1:Args:retainedFileCountLimit '0' is not a positive whole number.");
    }

    [Fact]
    public void The_single_server_writes_server_log_and_each_server_of_a_fleet_a_file_named_after_it()
    {
        var logs = Load();
        var fleet = SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, _dir.File("fleet.json", LogsFleet.Json)])).Build());

        logs.PathOf(SupervisorSettings.Load(new ConfigurationBuilder().Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings])).Build()).Servers.Single())
            .Should().Be(Path.Combine(_dir.Path, "server.log"));
        fleet.Servers.Select(logs.PathOf).Should().Equal(Path.Combine(_dir.Path, "server-alpha.log"), Path.Combine(_dir.Path, "server-beta.log"));
    }
}
