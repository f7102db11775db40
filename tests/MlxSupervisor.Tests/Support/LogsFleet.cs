namespace MlxSupervisor.Tests.Support;

/// <summary>Settings of a fleet of two servers, alpha and beta, for the specs of their log files.</summary>
public static class LogsFleet
{
    public const string Json = """
        { "Supervisor": { "Servers": {
            "alpha": { "Models": ["model-a"], "Server": { "Command": "mlx_lm.server", "Arguments": ["--port", "8201"] }, "Health": { "Url": "http://127.0.0.1:8201/health" } },
            "beta": { "Models": ["model-b"], "Server": { "Command": "mlx_lm.server", "Arguments": ["--port", "8202"] }, "Health": { "Url": "http://127.0.0.1:8202/health" } }
        } } }
        """;
}
