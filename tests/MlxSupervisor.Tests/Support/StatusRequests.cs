using System.Net.Http.Json;
using MlxSupervisor.Status;

namespace MlxSupervisor.Tests.Support;

/// <summary>The requests a spec makes of a status endpoint, through a client whose base address is the endpoint's.</summary>
public static class StatusRequests
{
    public static async Task<StatusDocument> StatusAsync(this HttpClient http) =>
        (await http.GetFromJsonAsync<StatusDocument>("/status", StatusJson.Options))!;

    public static async Task<PrometheusText> MetricsAsync(this HttpClient http) => PrometheusText.Parse(await http.GetStringAsync("/metrics"));

    /// <summary>POST /restart, /stop or /start, with <paramref name="bearer"/> as the token (none when null).</summary>
    public static async Task<HttpResponseMessage> ControlAsync(this HttpClient http, string path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (bearer is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return await http.SendAsync(request);
    }
}
