using System.Text.Json;
using UserEvents.Orleans.Silo.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace UserEvents.Orleans.Silo.Health;

/// <summary>
/// Writes a health report as <c>{"status":…,"totalDurationMs":…,"checks":[{"name","status","description","durationMs"}]}</c>;
/// to a caller without the token (HTTP_AUTH_TOKEN) without the descriptions: their error texts name hosts and users.
/// </summary>
internal static class HealthReportJsonWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var detailed = TokenAuthentication.IsTrusted(context);
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("totalDurationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            if (detailed)
            {
                json.WriteString("description", entry.Description ?? entry.Exception?.Message);
            }

            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
