namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// The files of mutual TLS between silos and from clients to gateways (ORLEANS_TLS_*): this process's certificate and key
/// (PEM, or one PKCS#12 file with its password) and the cluster CA it trusts. Unset: no TLS (loopback only).
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>PEM certificate (its chain may follow) or a PKCS#12 (.pfx, .p12) file holding certificate and key.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>PEM private key of <see cref="CertificateFile"/>; unset when that file is PKCS#12.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="CertificateFile"/>.</summary>
    [global::Orleans.Redact]
    public string? PfxPassword { get; set; }

    /// <summary>PEM file of the cluster CA certificates: a peer's certificate must chain to one of them.</summary>
    public string? CaFile { get; set; }

    /// <summary>True when any of the files is set (then all that apply must be).</summary>
    public bool Enabled => CertificateFile is not null || CaFile is not null || KeyFile is not null;
}
