namespace UserEvents.Orleans.Silo.Configuration;

/// <summary>
/// The rules that tie settings of different options together (each message names the variables, never a secret); the
/// rules of one options class live with it.
/// </summary>
internal static class SiloSettingsRules
{
    public static void Check(SiloSettings settings, List<string> errors)
    {
        var (host, http) = (settings.Host, settings.Http);
        if (host.SiloPort == host.GatewayPort || host.SiloPort == http.Port || host.GatewayPort == http.Port)
        {
            errors.Add($"ORLEANS_SILO_PORT ({host.SiloPort}), ORLEANS_GATEWAY_PORT ({host.GatewayPort}) and HTTP_PORT ({http.Port}) must differ");
        }

        if (http.AuthToken is { } token && token.Length < HttpEndpointOptions.MinimumAuthTokenLength)
        {
            errors.Add($"HTTP_AUTH_TOKEN (or the content of HTTP_AUTH_TOKEN_FILE) must be at least {HttpEndpointOptions.MinimumAuthTokenLength} characters long");
        }

        if (host.ReachableFromOtherMachines && !settings.ClusterTls.Enabled)
        {
            var where = host.ListenOnAnyAddress ? "ORLEANS_LISTEN_ON_ANY_ADDRESS=true"
                : host.AdvertiseHostAddress ? "ORLEANS_ADVERTISE_HOST_ADDRESS=true"
                : $"ORLEANS_ADVERTISED_IP={host.AdvertisedIp}";
            errors.Add(
                $"{where} makes the silo and gateway ports reachable from other machines: set ORLEANS_TLS_CERT_FILE, ORLEANS_TLS_KEY_FILE " +
                "and ORLEANS_TLS_CA_FILE (mutual TLS, README \"Security\"), or keep the ports on loopback (ORLEANS_ADVERTISED_IP=127.0.0.1, the default)");
        }

        if (http.ReachableFromOtherMachines && http.AuthToken is null)
        {
            errors.Add(
                $"HTTP_BIND={http.Bind} makes the ingestion page, dashboard, stats API and /metrics reachable from other machines: " +
                "set HTTP_AUTH_TOKEN or HTTP_AUTH_TOKEN_FILE (or bind to 127.0.0.1)");
        }
    }
}
