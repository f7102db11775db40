using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary><c>GET /v1/models</c>: the one model this server pretends to have loaded.</summary>
internal sealed class ModelsEndpoint(string model)
{
    public Task HandleAsync(HttpContext context) =>
        JsonResponse.WriteAsync(context.Response, StatusCodes.Status200OK, json => OpenAiJson.WriteModels(json, model));
}
