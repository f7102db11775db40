using FluentAssertions;
using MlxSupervisor.Bench.Subjects;
using Xunit;

namespace MlxSupervisor.Tests.Bench;

/// <summary>The generated nginx configs of issue 14's comparison: an instant upstream, and a reverse proxy to it.</summary>
public sealed class NginxConfigSpecs
{
    [Fact]
    public void The_upstream_answers_the_models_list_and_the_health_check_from_its_config()
    {
        var config = NginxConfig.Upstream("/tmp/run", "upstream", 18801);

        config.Should().Contain("listen 127.0.0.1:18801;")
            .And.Contain("location = /v1/models {")
            .And.Contain($"return 200 '{NginxConfig.ModelsJson}';")
            .And.Contain("location = /health {")
            .And.Contain("default_type application/json;")
            .And.NotContain("proxy_pass");
    }

    [Fact]
    public void The_reverse_proxy_keeps_upstream_connections_alive_as_nginx_documents()
    {
        var config = NginxConfig.ReverseProxy("/tmp/run", "proxy", 18802, 18801);

        config.Should().Contain("server 127.0.0.1:18801;")
            .And.Contain("keepalive 32;")
            .And.Contain("listen 127.0.0.1:18802;")
            .And.Contain("proxy_pass http://model_server;")
            .And.Contain("proxy_http_version 1.1;")
            .And.Contain("proxy_set_header Connection \"\";");
    }

    [Fact]
    public void Every_file_nginx_writes_is_in_the_run_folder_and_it_runs_in_the_foreground()
    {
        var config = NginxConfig.ReverseProxy("/tmp/run", "proxy", 18802, 18801);
        var paths = config.Split('\n').Select(l => l.Trim())
            .Where(l => l.StartsWith("pid ", StringComparison.Ordinal) || l.StartsWith("error_log ", StringComparison.Ordinal) || l.Contains("_temp_path ", StringComparison.Ordinal))
            .ToList();

        paths.Should().HaveCount(7).And.OnlyContain(l => l.Contains(" /tmp/run/", StringComparison.Ordinal));
        config.Should().Contain("access_log off;");
        NginxConfig.Arguments("/tmp/run", "proxy", "/tmp/run/proxy.conf").Should()
            .Equal("-p", "/tmp/run", "-c", "/tmp/run/proxy.conf", "-e", "/tmp/run/proxy.error.log", "-g", "daemon off;");
    }
}
