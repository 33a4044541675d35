using Orleans.Connections.Security;
using Orleans.Hosting;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Cli.Cluster;

/// <summary>Mutual TLS to the gateways: the client presents its certificate and accepts only silo certificates of the cluster CA.</summary>
public static class ClusterClientTls
{
    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterCertificates certificates) =>
        client.UseTls(certificates.Local, options =>
        {
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;

            // The platform's verdict (system roots, host name) is ignored: the cluster CA and the silo role decide.
            options.RemoteCertificateValidation = (silo, _, _) => certificates.Refusal(silo, ClusterRole.Silo) is null;
        });
}
