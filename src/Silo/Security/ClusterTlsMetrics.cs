using System.Diagnostics.Metrics;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Silo.Security;

/// <summary>
/// <c>user_events.cluster.tls.refused</c>: connections to the silo or gateway port refused at the TLS handshake (tag
/// <c>endpoint</c>), and <c>user_events.cluster.tls.certificate.expiry</c>: days until this silo's certificate expires,
/// which the alert rule UserEventsClusterCertificateExpiresSoon watches.
/// </summary>
public sealed class ClusterTlsMetrics
{
    public const string MeterName = "UserEvents.Orleans.Security";

    private readonly Counter<long> refused;

    public ClusterTlsMetrics(IMeterFactory meterFactory, ClusterCertificates certificates)
    {
        var meter = meterFactory.Create(MeterName);
        refused = meter.CreateCounter<long>("user_events.cluster.tls.refused", "{connection}", "Connections to the silo or gateway port refused at the TLS handshake");
        meter.CreateObservableGauge("user_events.cluster.tls.certificate.expiry", () => certificates.DaysToExpiry, "d", "Days until the silo's cluster certificate (ORLEANS_TLS_CERT_FILE) expires");
    }

    public void Refused(string endpoint) => refused.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint));
}
