using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>A silo process whose cluster TLS settings are wrong stops at start with exit code 2 and a line naming the setting.</summary>
[Collection(nameof(ProcessTests))]
public sealed class ClusterTlsStartTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("cluster-tls-start-").FullName;
    private readonly ClusterCertificateAuthority ca;

    public ClusterTlsStartTests()
    {
        ca = ClusterCertificateAuthority.Create(folder, "cluster");
    }

    public void Dispose()
    {
        ca.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task An_expired_certificate_stops_the_silo_with_exit_2_naming_the_setting()
    {
        var environment = Environment();
        ca.IssueSilo("expired", validDays: -1).AddTo(environment);

        var result = await RunSiloAsync(environment);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ORLEANS_TLS_CERT_FILE", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("expired at", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_file_or_a_client_certificate_stops_the_silo_with_exit_2()
    {
        var missingKey = Environment();
        ca.IssueSilo("silo").AddTo(missingKey);
        missingKey["ORLEANS_TLS_KEY_FILE"] = Path.Combine(folder, "nowhere.key");
        var clientCertificate = Environment();
        ca.IssueClient("operator").AddTo(clientCertificate);

        var withoutKey = await RunSiloAsync(missingKey);
        var asClient = await RunSiloAsync(clientCertificate);

        Assert.Equal(2, withoutKey.ExitCode);
        Assert.Contains("ORLEANS_TLS_KEY_FILE", withoutKey.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, asClient.ExitCode);
        Assert.Contains("not a silo certificate", asClient.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_reachable_from_other_machines_without_TLS_stop_the_silo_with_exit_2()
    {
        var advertised = Environment();
        advertised["ORLEANS_ADVERTISED_IP"] = "10.1.2.3";
        var anyAddress = Environment();
        anyAddress["ORLEANS_LISTEN_ON_ANY_ADDRESS"] = "true";

        var advertisedResult = await RunSiloAsync(advertised);
        var anyAddressResult = await RunSiloAsync(anyAddress);

        Assert.Equal(2, advertisedResult.ExitCode);
        Assert.Contains("ORLEANS_ADVERTISED_IP=10.1.2.3 makes the silo and gateway ports reachable", advertisedResult.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, anyAddressResult.ExitCode);
        Assert.Contains("ORLEANS_LISTEN_ON_ANY_ADDRESS=true makes the silo and gateway ports reachable", anyAddressResult.StandardError, StringComparison.Ordinal);
    }

    // No broker or database is reached: the settings are checked before either.
    private static Dictionary<string, string> Environment() =>
        SiloEnvironment.For("127.0.0.1:1", "user-events", "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none", "tls-start");

    private static Task<ProcessResult> RunSiloAsync(Dictionary<string, string> environment) =>
        ProcessRunner.RunAsync("dotnet", [RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo")], TimeSpan.FromSeconds(60), environment: environment);
}
