using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace UserEvents.Orleans.Silo.Http;

/// <summary>
/// With HTTP_AUTH_TOKEN set, every request except <c>/health/*</c> must carry the token: as a bearer token
/// (<c>Authorization: Bearer TOKEN</c>, for scripts and Prometheus) or as the password of HTTP basic authentication with any
/// user name (so a browser asks for it and then opens the ingestion page and the dashboard). Anything else answers 401.
/// Whether a request carried it is kept for the endpoints that answer anonymous callers with less (<see cref="IsTrusted"/>).
/// </summary>
public static class TokenAuthentication
{
    private const string OpenPrefix = "/health";
    private const string BearerPrefix = "Bearer ";
    private const string BasicPrefix = "Basic ";

    private static readonly StringValues Challenges = new(["Basic realm=\"user-events\", charset=\"UTF-8\"", "Bearer realm=\"user-events\""]);

    /// <summary>
    /// True when the request carried the token, or when no token is set (loopback only: every endpoint is open there);
    /// false for a request the middleware did not see.
    /// </summary>
    public static bool IsTrusted(HttpContext context) => context.Features.Get<TrustedCaller>() is not null;

    public static IApplicationBuilder UseTokenAuthentication(this IApplicationBuilder app, string? token)
    {
        var expected = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return app.Use(async (context, next) =>
        {
            var trusted = expected is null || Carries(context.Request, expected);
            if (trusted)
            {
                context.Features.Set(TrustedCaller.Instance);
            }

            if (trusted || context.Request.Path.StartsWithSegments(OpenPrefix, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = Challenges;
        });
    }

    private static bool Carries(HttpRequest request, byte[] expectedHash)
    {
        var header = request.Headers.Authorization.ToString();
        string? presented = null;
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            presented = header[BearerPrefix.Length..].Trim();
        }
        else if (header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            presented = BasicPassword(header[BasicPrefix.Length..].Trim());
        }

        return presented is not null
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expectedHash);
    }

    private static string? BasicPassword(string encoded)
    {
        Span<byte> decoded = stackalloc byte[512];
        if (encoded.Length > 680 || !Convert.TryFromBase64String(encoded, decoded, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(decoded[..length]);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : credentials[(colon + 1)..];
    }

    private sealed class TrustedCaller
    {
        public static readonly TrustedCaller Instance = new();
    }
}
