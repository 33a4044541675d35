using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// This process's cluster certificate (with its key) and the cluster CAs, loaded once from the ORLEANS_TLS_* files, and the
/// one check every TLS peer passes: a certificate issued by one of the CAs, valid now, with the role its endpoint asks for.
/// Host names are not checked: silos advertise addresses that change on every restart, the CA is the identity.
/// </summary>
public sealed class ClusterCertificates
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private readonly TimeProvider time;

    private ClusterCertificates(X509Certificate2 local, X509Certificate2Collection authorities, TimeProvider time)
    {
        Local = local;
        Authorities = authorities;
        this.time = time;
    }

    /// <summary>The certificate this process presents, with its private key.</summary>
    public X509Certificate2 Local { get; }

    public X509Certificate2Collection Authorities { get; }

    /// <summary>Days until <see cref="Local"/> expires (negative once it has).</summary>
    public double DaysToExpiry => (Local.NotAfter.ToUniversalTime() - time.GetUtcNow().UtcDateTime).TotalDays;

    /// <summary>
    /// The certificates of <paramref name="options"/> for a process of <paramref name="role"/>, or null when TLS is not
    /// configured; each problem, naming its variable, is added to <paramref name="errors"/> (then null is returned).
    /// </summary>
    public static ClusterCertificates? Load(ClusterTlsOptions options, ClusterRole role, TimeProvider time, ICollection<string> errors)
    {
        if (!options.Enabled)
        {
            return null;
        }

        var before = errors.Count;
        if (options.CertificateFile is null)
        {
            errors.Add("ORLEANS_TLS_CERT_FILE must be set with ORLEANS_TLS_CA_FILE and ORLEANS_TLS_KEY_FILE (mutual TLS in the cluster)");
        }

        if (options.CaFile is null)
        {
            errors.Add("ORLEANS_TLS_CA_FILE must be set with ORLEANS_TLS_CERT_FILE (the cluster CA every peer's certificate is checked against)");
        }

        if (errors.Count > before || !File.Exists(options.CertificateFile) || !File.Exists(options.CaFile)
            || (options.KeyFile is not null && !File.Exists(options.KeyFile)))
        {
            return null;
        }

        var authorities = LoadAuthorities(options.CaFile!, errors);
        var local = LoadLocal(options, errors);
        if (local is null || authorities is null)
        {
            return null;
        }

        var certificates = new ClusterCertificates(local, authorities, time);
        if (certificates.Refusal(local, role) is { } problem)
        {
            errors.Add($"ORLEANS_TLS_CERT_FILE '{options.CertificateFile}' cannot be used by a {role.ToString().ToLowerInvariant()}: {problem}");
            return null;
        }

        return certificates;
    }

    /// <summary>Why <paramref name="peer"/> may not connect where <paramref name="required"/> is asked for, or null when it may.</summary>
    public string? Refusal(X509Certificate2? peer, ClusterRole required)
    {
        if (peer is null)
        {
            return "no certificate";
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (now < peer.NotBefore.ToUniversalTime())
        {
            return $"certificate '{peer.Subject}' is not valid before {peer.NotBefore.ToUniversalTime():u}";
        }

        if (now > peer.NotAfter.ToUniversalTime())
        {
            return $"certificate '{peer.Subject}' expired at {peer.NotAfter.ToUniversalTime():u}";
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        if (!chain.Build(peer))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            return $"certificate '{peer.Subject}' is not issued by the cluster CA ({status})";
        }

        return HasRole(peer, required) ? null : $"certificate '{peer.Subject}' is not a {required.ToString().ToLowerInvariant()} certificate (extended key usage)";
    }

    private static bool HasRole(X509Certificate2 certificate, ClusterRole role)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>())
            .Select(o => o.Value)
            .ToHashSet(StringComparer.Ordinal);
        return usages.Contains(ClientAuthentication) && (role == ClusterRole.Client || usages.Contains(ServerAuthentication));
    }

    private static X509Certificate2Collection? LoadAuthorities(string file, ICollection<string> errors)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(file);
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"ORLEANS_TLS_CA_FILE '{file}' cannot be read as PEM certificates: {exception.Message}");
            return null;
        }

        if (authorities.Count == 0)
        {
            errors.Add($"ORLEANS_TLS_CA_FILE '{file}' holds no PEM certificate");
            return null;
        }

        return authorities;
    }

    private static X509Certificate2? LoadLocal(ClusterTlsOptions options, ICollection<string> errors)
    {
        var file = options.CertificateFile!;
        var pkcs12 = file.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
        try
        {
            var certificate = pkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(file, options.PfxPassword)
                : X509Certificate2.CreateFromPemFile(file, options.KeyFile);
            if (!certificate.HasPrivateKey)
            {
                errors.Add($"ORLEANS_TLS_CERT_FILE '{file}' has no private key (set ORLEANS_TLS_KEY_FILE)");
                return null;
            }

            return certificate;
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var setting = pkcs12 ? "ORLEANS_TLS_CERT_FILE (or ORLEANS_TLS_PFX_PASSWORD)" : "ORLEANS_TLS_CERT_FILE (or ORLEANS_TLS_KEY_FILE)";
            errors.Add($"{setting} '{file}' cannot be read as a certificate with its key: {exception.Message}");
            return null;
        }
    }
}
