using System.Text.Json;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>The body of /health/ready: overall status and each check by name.</summary>
public sealed record HealthReportJson(string Status, IReadOnlyDictionary<string, HealthReportJson.Check> Checks)
{
    public static HealthReportJson Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var checks = root.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => new Check(c.GetProperty("status").GetString()!, c.TryGetProperty("description", out var description) ? description.GetString() ?? "" : ""));
        return new HealthReportJson(root.GetProperty("status").GetString()!, checks);
    }

    public sealed record Check(string Status, string Description);
}
