namespace MlxSupervisor.Configuration;

/// <summary>What makes a freshly spawned server Running: <c>Supervisor:Health:Readiness</c>.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ReadinessMode>))]
public enum ReadinessMode
{
    /// <summary>
    /// A 2xx from <c>Health:Url</c> and then a first token from a generation probe. mlx_lm.server 0.31.3 and later
    /// answers /health as soon as its port opens and loads the model afterwards, so a 2xx alone says nothing about
    /// whether it can answer.
    /// </summary>
    Generation,

    /// <summary>A 2xx from <c>Health:Url</c> is enough: for servers whose health check waits for the model, such as
    /// llama.cpp's llama-server, which answers 503 while it loads.</summary>
    Health,
}
