using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// A throwaway cluster CA in a folder of its own, issuing silo certificates (server and client authentication) and client
/// certificates (client authentication only) as PEM files, as an operator's openssl commands would (README, "Security").
/// </summary>
public sealed class ClusterCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2 ca;
    private readonly string directory;

    private ClusterCertificateAuthority(X509Certificate2 ca, string directory)
    {
        this.ca = ca;
        this.directory = directory;
        CaFile = Path.Combine(directory, "ca.crt");
        File.WriteAllText(CaFile, ca.ExportCertificatePem());
    }

    /// <summary>ca.crt: the CA certificate a silo or client trusts (ORLEANS_TLS_CA_FILE).</summary>
    public string CaFile { get; }

    /// <summary>A new CA named <paramref name="name"/>, its files under <paramref name="parent"/>/<paramref name="name"/>.</summary>
    public static ClusterCertificateAuthority Create(string parent, string name)
    {
        var directory = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=user-events {name} CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddYears(1));
        return new ClusterCertificateAuthority(ca, directory);
    }

    /// <summary>A silo's certificate and key, valid from yesterday for <paramref name="validDays"/> days (negative: expired).</summary>
    public ClusterCertificateFiles IssueSilo(string name, double validDays = 30) =>
        Issue(name, [ServerAuthentication, ClientAuthentication], validDays);

    /// <summary>A client's certificate and key (client authentication only: it may reach a gateway, never the silo port).</summary>
    public ClusterCertificateFiles IssueClient(string name, double validDays = 30) => Issue(name, [ClientAuthentication], validDays);

    public void Dispose() => ca.Dispose();

    private ClusterCertificateFiles Issue(string name, Oid[] usages, double validDays)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
        {
            oids.Add(usage);
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(validDays < 0 ? validDays - 1 : -1);
        using var certificate = request.Create(ca, notBefore, DateTimeOffset.UtcNow.AddDays(validDays), RandomNumberGenerator.GetBytes(16));
        var files = new ClusterCertificateFiles(Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"), CaFile);
        File.WriteAllText(files.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(files.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return files;
    }
}

/// <summary>A certificate, its key and the CA to trust: the three ORLEANS_TLS_* files of a silo or a client.</summary>
public sealed record ClusterCertificateFiles(string CertificateFile, string KeyFile, string CaFile)
{
    /// <summary>Sets ORLEANS_TLS_CERT_FILE, ORLEANS_TLS_KEY_FILE and ORLEANS_TLS_CA_FILE in <paramref name="environment"/>.</summary>
    public void AddTo(IDictionary<string, string> environment)
    {
        environment["ORLEANS_TLS_CERT_FILE"] = CertificateFile;
        environment["ORLEANS_TLS_KEY_FILE"] = KeyFile;
        environment["ORLEANS_TLS_CA_FILE"] = CaFile;
    }
}
