using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace MlxSupervisor.Status;

/// <summary>What anyone who can reach the endpoint may read: the page and the status JSON (/metrics is the exporter's).</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app, Func<StatusDocument> document)
    {
        app.MapGet("/", (HttpContext context) =>
        {
            NoStore(context);
            return Results.Text(StatusPage.Html, "text/html; charset=utf-8");
        });
        app.MapGet("/status", (HttpContext context) =>
        {
            NoStore(context);
            return Results.Json(document(), StatusJson.Options);
        });
    }

    private static void NoStore(HttpContext context) => context.Response.Headers.CacheControl = "no-store";
}
