using System.Globalization;

namespace MlxSupervisor.Bench.Subjects;

/// <summary>
/// The nginx configurations of the front-door comparison (issue 14), written into a run's temp folder, never into the
/// repo: an instant upstream that answers <c>/v1/models</c> itself, and nginx as a reverse proxy to it, configured the
/// way nginx's documentation says to keep upstream connections alive.
/// </summary>
internal static class NginxConfig
{
    /// <summary>The upstream's whole answer to <c>GET /v1/models</c>: the shape of mlx_lm.server's, one model.</summary>
    public const string ModelsJson = """{"object":"list","data":[{"id":"sim-model","object":"model","created":0,"owned_by":"nginx"}]}""";

    /// <summary>
    /// The upstream, supervised by the daemon: answers <c>/v1/models</c> and <c>/health</c> from its config, with no
    /// file, no model and no generation behind them, so every figure measured through it is the proxy's own.
    /// </summary>
    public static string Upstream(string directory, string name, int port) => Config(directory, name, $$"""
            server {
                listen 127.0.0.1:{{Of(port)}};
                location = /v1/models {
                    default_type application/json;
                    return 200 '{{ModelsJson}}';
                }
                location = /health {
                    default_type application/json;
                    return 200 '{"status":"ok"}';
                }
            }
        """);

    /// <summary>
    /// nginx as a reverse proxy to <paramref name="upstreamPort"/>: HTTP/1.1 to the upstream with the Connection header
    /// cleared and a pool of 32 idle connections kept per worker (nginx's docs, ngx_http_upstream_module "keepalive"),
    /// as the front door keeps its own pool.
    /// </summary>
    public static string ReverseProxy(string directory, string name, int port, int upstreamPort) => Config(directory, name, $$"""
            upstream model_server {
                server 127.0.0.1:{{Of(upstreamPort)}};
                keepalive 32;
            }
            server {
                listen 127.0.0.1:{{Of(port)}};
                location / {
                    proxy_pass http://model_server;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                }
            }
        """);

    /// <summary>The arguments that run <paramref name="configPath"/> in the foreground, as a supervised child must run.</summary>
    /// <remarks><c>-e</c> names the error log nginx writes to before it has read its config (nginx 1.19.5 and later).</remarks>
    public static string[] Arguments(string directory, string name, string configPath) =>
        ["-p", directory, "-c", configPath, "-e", ErrorLog(directory, name), "-g", "daemon off;"];

    public static string ErrorLog(string directory, string name) => Path.Combine(directory, $"{name}.error.log");

    // worker_processes auto, as Debian's nginx.conf ships: one worker per core. No access log: the daemon writes none
    // either. Every path nginx writes is in the run's folder, so nothing touches /var/lib/nginx or /run.
    private static string Config(string directory, string name, string server) => $$"""
        # Written by mlx-supervisor-bench for one run (issue 14's nginx comparison); not part of the repo.
        worker_processes auto;
        pid {{directory}}/{{name}}.pid;
        error_log {{ErrorLog(directory, name)}} warn;
        events {
            worker_connections 1024;
        }
        http {
            access_log off;
            client_body_temp_path {{directory}}/{{name}}-temp/body;
            proxy_temp_path {{directory}}/{{name}}-temp/proxy;
            fastcgi_temp_path {{directory}}/{{name}}-temp/fastcgi;
            uwsgi_temp_path {{directory}}/{{name}}-temp/uwsgi;
            scgi_temp_path {{directory}}/{{name}}-temp/scgi;
        {{server}}
        }

        """;

    private static string Of(int port) => port.ToString(CultureInfo.InvariantCulture);
}
