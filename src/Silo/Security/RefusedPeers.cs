using System.Net;

namespace UserEvents.Orleans.Silo.Security;

/// <summary>
/// Counts every connection refused at the TLS handshake and logs one Warning per remote address and port (silo or gateway) per 5 minutes (a scanner
/// or a misconfigured client would otherwise fill the log). The reason is noted by the certificate check during the
/// handshake, in the connection's own asynchronous flow.
/// </summary>
public sealed partial class RefusedPeers
{
    private static readonly TimeSpan WarningPeriod = TimeSpan.FromMinutes(5);

    private readonly AsyncLocal<Handshake?> current = new();
    private readonly ClusterTlsMetrics metrics;
    private readonly ILogger logger;
    private readonly WarningThrottle throttle;

    public RefusedPeers(ClusterTlsMetrics metrics, ILogger<RefusedPeers> logger, TimeProvider time)
    {
        this.metrics = metrics;
        this.logger = logger;
        throttle = new WarningThrottle(time, WarningPeriod);
    }

    /// <summary>Starts noting the handshake of the connection that runs in this asynchronous flow.</summary>
    public Handshake Begin()
    {
        var handshake = new Handshake();
        current.Value = handshake;
        return handshake;
    }

    /// <summary>The certificate check's reason for refusing the peer of the handshake in this flow.</summary>
    public void Note(string reason)
    {
        if (current.Value is { } handshake)
        {
            handshake.Reason = reason;
        }
    }

    public void Refused(string endpoint, EndPoint? remote, Handshake handshake)
    {
        metrics.Refused(endpoint);
        var address = remote is IPEndPoint ip ? ip.Address.ToString() : remote?.ToString() ?? "unknown";
        if (throttle.IsDue(endpoint + " " + address))
        {
            LogRefused(logger, endpoint, address, handshake.Reason ?? "TLS handshake failed (no TLS, or our certificate was refused)");
        }
    }

    [LoggerMessage(EventId = 6500, Level = LogLevel.Warning, Message = "Refused a connection to the {Endpoint} port from {RemoteAddress}: {Reason} (next warning for this address in 5 minutes at the earliest; all are counted in user_events_cluster_tls_refused_total)")]
    private static partial void LogRefused(ILogger logger, string endpoint, string remoteAddress, string reason);

    /// <summary>What one handshake's certificate check found.</summary>
    public sealed class Handshake
    {
        public string? Reason { get; set; }
    }
}
