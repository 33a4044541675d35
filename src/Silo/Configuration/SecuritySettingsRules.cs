namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// The rules that tie the HTTP security settings together (each message names the variables, never a secret); the
/// PostgreSQL TLS rules live with the connection settings (<c>PostgresConnectionSettings</c>).
/// </summary>
internal static class SecuritySettingsRules
{
    /// <summary>Shorter tokens are refused: they can be guessed.</summary>
    public const int MinimumAuthTokenLength = 16;

    public static void Check(SiloSettings settings, List<string> errors)
    {
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
