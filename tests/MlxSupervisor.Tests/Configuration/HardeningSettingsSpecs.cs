using FluentAssertions;
using Microsoft.Extensions.Configuration;
using MlxSupervisor.Configuration;
using MlxSupervisor.Tests.Support;
using Xunit;

namespace MlxSupervisor.Tests.Configuration;

/// <summary>The settings this issue added: memory sizes, the state directory, redaction.</summary>
public sealed class HardeningSettingsSpecs
{
    private static SupervisorOptions Load(params (string Key, string? Value)[] overrides) =>
        SupervisorSettings.Load(new ConfigurationBuilder()
            .Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings]))
            .AddInMemoryCollection(overrides.Select(o => new KeyValuePair<string, string?>("Supervisor:" + o.Key, o.Value)))
            .Build());

    [Theory]
    [InlineData("100GB", 100L << 30)]
    [InlineData("512MB", 512L << 20)]
    [InlineData("512 mb", 512L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("2048", 2048L)]
    public void Sizes_are_read_as_people_write_them(string text, long bytes)
    {
        ByteSize.TryParse(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(bytes);
    }

    [Fact]
    public void Memory_defaults_to_no_limit_every_5_s_over_3_samples()
    {
        var o = Load();

        o.Memory.MaxServerBytes.Should().BeNull();
        o.Memory.MinFreeSystemBytes.Should().BeNull();
        o.Memory.Interval.Should().Be(TimeSpan.FromSeconds(5));
        o.Memory.Samples.Should().Be(3);
    }

    [Theory]
    [InlineData("Memory:MaxServerMemory", "100XB", "Supervisor:Memory:MaxServerMemory '100XB' is not a size; write it like \"100GB\" or \"512MB\"")]
    [InlineData("Memory:MinFreeSystemMemory", "lots", "Supervisor:Memory:MinFreeSystemMemory 'lots' is not a size")]
    [InlineData("Memory:Interval", "00:00:00", "Supervisor:Memory:Interval '00:00:00' must be a positive time span")]
    [InlineData("Memory:Samples", "0", "Supervisor:Memory:Samples '0' must be at least 1")]
    public void An_invalid_memory_setting_is_refused_with_a_line_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var act = () => Load((key, value));

        act.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle().Which.Should().Contain(expected);
    }

    [Fact]
    public void A_settings_file_that_repeats_a_key_is_refused_with_a_line_not_a_crash()
    {
        using var dir = new TempDirectory();
        var user = dir.File("user.json", """{ "Supervisor": { "Shutdown": {}, "Shutdown": {} } }""");

        var act = () => new ConfigurationBuilder().Add(new LayeredJsonConfigurationSource([Repo.DefaultSettings, user])).Build();

        act.Should().Throw<SettingsException>().Which.Errors.Should().ContainSingle().Which.Should().Contain($"Settings file '{user}' is not valid JSON");
    }

    [Fact]
    public void The_state_directory_is_the_configured_one_or_XDG_STATE_HOME_or_state_beside_the_working_directory()
    {
        StateOptions.Resolve("/var/lib/mlx").Should().Be("/var/lib/mlx");
        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        StateOptions.Resolve(null).Should().Be(xdg is { Length: > 0 } ? Path.Combine(xdg, "mlx-supervisor") : Path.GetFullPath("state"));
    }

    [Fact]
    public void Logged_settings_hide_the_values_of_secret_environment_variables_and_arguments()
    {
        var o = Load();
        o.Server.Environment["HF_TOKEN"] = "hf_live_secret";
        o.Server.Environment["OPENAI_API_KEY"] = "sk-secret";
        o.Server.Environment["db_password"] = "hunter2";
        o.Server.Environment["MY_SECRET_THING"] = "s3";
        o.Server.Environment["MLX_CACHE"] = "/tmp/cache";
        o.Server.Arguments = ["--api-key", "sk-arg", "--hf-token=hf_arg", "--model", "qwen"];
        o.Status.Token = "status-token";
        o.Notify.Arguments = ["--password", "hook-pass"];

        var logged = RedactedSettings.Describe(o);

        logged.Should().NotContainAny("hf_live_secret", "sk-secret", "hunter2", "s3\"", "sk-arg", "hf_arg", "status-token", "hook-pass");
        logged.Should().Contain("\"HF_TOKEN\":\"***\"").And.Contain("\"MLX_CACHE\":\"/tmp/cache\"")
            .And.Contain("\"--api-key\",\"***\",\"--hf-token=***\",\"--model\",\"qwen\"");
        o.Server.Environment["HF_TOKEN"].Should().Be("hf_live_secret", "only the log line is redacted, not the settings");
    }
}
