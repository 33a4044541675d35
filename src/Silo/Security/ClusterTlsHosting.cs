using Microsoft.AspNetCore.Connections;
using Orleans.Configuration;
using Orleans.Connections.Security;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Silo.Security;

/// <summary>
/// Mutual TLS on every connection of the silo: the silo port accepts and opens connections only with silo certificates of
/// the cluster CA, the gateway port accepts silo or client certificates of that CA (<see cref="ClusterRole"/>). Refused
/// handshakes go to <see cref="RefusedPeers"/>.
/// </summary>
public static class ClusterTlsHosting
{
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterCertificates certificates)
    {
        silo.Services.AddSingleton(certificates);
        silo.Services.AddSingleton<ClusterTlsMetrics>();
        silo.Services.AddSingleton<RefusedPeers>();
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<RefusedPeers>((connections, refused) =>
        {
            connections.ConfigureSiloInboundConnection(b => Accept(b, "silo", ClusterRole.Silo, certificates, refused));
            connections.ConfigureGatewayInboundConnection(b => Accept(b, "gateway", ClusterRole.Client, certificates, refused));
            connections.ConfigureSiloOutboundConnection(b => b.UseClientTls(Options(ClusterRole.Silo, certificates, refused)));
        });
        return silo;
    }

    private static void Accept(IConnectionBuilder connection, string endpoint, ClusterRole peerRole, ClusterCertificates certificates, RefusedPeers refused)
    {
        connection.Use(next => async context =>
        {
            var handshake = refused.Begin();
            try
            {
                await next(context);
            }
            finally
            {
                // A handshake that failed leaves the TLS feature without a peer certificate.
                if (context.Features.Get<ITlsConnectionFeature>() is { RemoteCertificate: null })
                {
                    refused.Refused(endpoint, context.RemoteEndPoint, handshake);
                }
            }
        });
        connection.UseServerTls(Options(peerRole, certificates, refused));
    }

    private static TlsOptions Options(ClusterRole peerRole, ClusterCertificates certificates, RefusedPeers refused) => new()
    {
        LocalCertificate = certificates.Local,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        RemoteCertificateValidation = (peer, _, _) =>
        {
            // The platform's verdict (system roots, host name) is ignored: the cluster CA and the role decide.
            if (certificates.Refusal(peer, peerRole) is { } reason)
            {
                refused.Note(reason);
                return false;
            }

            return true;
        },
    };
}
