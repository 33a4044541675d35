using System.Reflection;

namespace UserEvents.Orleans.Silo.Http;

/// <summary>
/// The ingestion page at <c>/</c>: one HTML page with its script and style sheet, embedded in this assembly
/// (<c>Http/IngestionPage/</c>), no external resources. It polls <c>/api/stats</c> every second.
/// </summary>
public static class IngestionPageEndpoints
{
    /// <summary>Where the page's script and style sheet are served.</summary>
    public const string AssetsPath = "/ingestion-page";

    private const string ResourcePrefix = "ingestion-page/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    public static IEndpointRouteBuilder MapIngestionPage(this IEndpointRouteBuilder endpoints)
    {
        var assembly = typeof(IngestionPageEndpoints).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var file = resource[ResourcePrefix.Length..];
            var content = Read(assembly, resource);
            var contentType = ContentTypes[Path.GetExtension(file)];
            var route = file == "index.html" ? "/" : $"{AssetsPath}/{file}";
            endpoints.MapGet(route, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(content, contentType);
            });
        }

        return endpoints;
    }

    private static byte[] Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
