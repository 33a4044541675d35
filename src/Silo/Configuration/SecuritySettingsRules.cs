using Npgsql;

namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>The rules that tie security settings together (each message names the variables, never a secret).</summary>
internal static class SecuritySettingsRules
{
    /// <summary>Shorter tokens are refused: they can be guessed.</summary>
    public const int MinimumAuthTokenLength = 16;

    public static void Check(SiloSettings settings, List<string> errors)
    {
        if (settings.PostgresSslRootCertificate is not null && settings.PostgresSslMode is not (SslMode.VerifyCA or SslMode.VerifyFull))
        {
            errors.Add("POSTGRES_SSL_ROOT_CERT is only used to verify the server: set POSTGRES_SSL_MODE to verify-ca or verify-full");
        }

        if (settings.HttpAuthToken is { } token && token.Length < MinimumAuthTokenLength)
        {
            errors.Add($"HTTP_AUTH_TOKEN (or the content of HTTP_AUTH_TOKEN_FILE) must be at least {MinimumAuthTokenLength} characters long");
        }

        if (settings.HttpReachableFromOtherMachines && settings.HttpAuthToken is null)
        {
            errors.Add(
                $"HTTP_BIND={settings.HttpBind} makes the ingestion page, dashboard, stats API and /metrics reachable from other machines: " +
                "set HTTP_AUTH_TOKEN or HTTP_AUTH_TOKEN_FILE (or bind to 127.0.0.1)");
        }
    }
}
