using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>The files an operator makes with the README's openssl commands (scripts/cluster-certs.sh) load, and the roles hold.</summary>
public sealed class ClusterCertificatesTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("cluster-certs-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Openssl_made_silo_and_client_certificates_load_and_each_is_accepted_only_in_its_role()
    {
        var script = await ProcessRunner.RunAsync(
            "bash", [Path.Combine(RepositoryPaths.Root, "scripts", "cluster-certs.sh"), folder, "silo-1", "--client", "operator"], TimeSpan.FromSeconds(60));
        Assert.True(script.ExitCode == 0, script.StandardError);
        var errors = new List<string>();

        var silo = ClusterCertificates.Load(Files("silo-1"), ClusterRole.Silo, TimeProvider.System, errors);
        var client = ClusterCertificates.Load(Files("operator"), ClusterRole.Client, TimeProvider.System, errors);
        var clientAsSilo = ClusterCertificates.Load(Files("operator"), ClusterRole.Silo, TimeProvider.System, errors);

        Assert.NotNull(silo);
        Assert.NotNull(client);
        Assert.Null(clientAsSilo);
        Assert.Contains(errors, e => e.StartsWith("ORLEANS_TLS_CERT_FILE", StringComparison.Ordinal) && e.Contains("not a silo certificate", StringComparison.Ordinal));
        Assert.Null(silo.Refusal(client.Local, ClusterRole.Client));
        Assert.NotNull(silo.Refusal(client.Local, ClusterRole.Silo));
        Assert.Null(client.Refusal(silo.Local, ClusterRole.Silo));
        Assert.InRange(silo.DaysToExpiry, 364, 365.01);
    }

    private ClusterTlsOptions Files(string name) => new()
    {
        CertificateFile = Path.Combine(folder, name + ".crt"),
        KeyFile = Path.Combine(folder, name + ".key"),
        CaFile = Path.Combine(folder, "ca.crt"),
    };
}
