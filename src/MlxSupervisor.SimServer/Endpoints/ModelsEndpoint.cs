using MlxSupervisor.SimServer.Generation;

namespace MlxSupervisor.SimServer.Endpoints;

/// <summary><c>GET /v1/models</c>: the one model this server pretends to have loaded.</summary>
internal sealed class ModelsEndpoint(string model, JsonResponse replies)
{
    public Task HandleAsync(HttpContext context) =>
        replies.WriteAsync(context.Response, StatusCodes.Status200OK, writer => OpenAiJson.WriteModels(writer, model));
}
