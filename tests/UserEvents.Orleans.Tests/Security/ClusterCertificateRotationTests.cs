using System.Globalization;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// Rotation as the README describes it: new certificate files of the same CA written over the old ones, then a rolling
/// restart. Each restarted silo presents the new certificate (its expiry gauge says so), rejoins the silo still on the old
/// one, and the cluster keeps ingesting and serving a client.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ClusterCertificateRotationTests : IAsyncLifetime
{
    private const string ClusterId = "rotation";
    private readonly string folder = Directory.CreateTempSubdirectory("cluster-rotation-").FullName;
    private ClusterCertificateAuthority ca = null!;
    private KafkaTestBroker kafka = null!;
    private string database = "";

    public async Task InitializeAsync()
    {
        ca = ClusterCertificateAuthority.Create(folder, "cluster");
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 4);
        database = await PostgresServer.CreateEmptyDatabaseAsync("rotation");
    }

    public async Task DisposeAsync()
    {
        await kafka.DisposeAsync();
        ca.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task New_files_and_a_rolling_restart_rotate_the_silos_certificates_without_stopping_the_cluster()
    {
        var environments = new[] { "a", "b" }.Select(name =>
        {
            var environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database, ClusterId);
            ca.IssueSilo("silo-" + name, validDays: 30).AddTo(environment);
            return environment;
        }).ToArray();
        await using var a = await SiloProcess.StartAsync("a", environments[0]);
        await using var b = await SiloProcess.StartAsync("b", environments[1]);
        Assert.True(await ActiveSilosAsync(2), "both silos active before the rotation");
        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(300));
        await IngestionAssertions.WaitForStoredAsync(database, kafka.Topic, 300, TimeSpan.FromSeconds(90), () => a.RecentOutput + b.RecentOutput);

        foreach (var (silo, name) in new[] { (a, "a"), (b, "b") })
        {
            ca.IssueSilo("silo-" + name, validDays: 90);
            await silo.StopAsync();
            await silo.StartAsync(CancellationToken.None);
            Assert.True(await ActiveSilosAsync(2), $"both silos active after {name} restarted with its new certificate:{Environment.NewLine}{a.RecentOutput}{b.RecentOutput}");
            Assert.InRange(await ExpiryDaysAsync(silo), 89, 90.01);
        }

        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(300, firstId: 300));
        var totals = await IngestionAssertions.WaitForStoredAsync(database, kafka.Topic, 600, TimeSpan.FromSeconds(90), () => a.RecentOutput + b.RecentOutput);
        var client = ca.IssueClient("operator");
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(database);
        await using var connection = await ClusterConnection.ConnectAsync(
            new UserEvents.Orleans.Cli.Commands.ClusterSettings
            {
                PostgresHost = postgres.Host,
                PostgresPort = postgres.Port,
                PostgresDatabase = postgres.Database,
                PostgresUser = postgres.Username,
                PostgresPassword = postgres.Password,
                ClusterId = ClusterId,
                TlsCertificateFile = client.CertificateFile,
                TlsKeyFile = client.KeyFile,
                TlsCaFile = client.CaFile,
            },
            CancellationToken.None);
        var stats = await connection.Client.GetGrain<IIngestionStatsGrain>(0).GetAsync();

        IngestionAssertions.AssertExactlyOnce(totals, produced: 600, malformed: 0);
        Assert.Equal(totals.Events, stats.EventsStored);
    }

    private async Task<bool> ActiveSilosAsync(int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var active = await PostgresServer.ScalarAsync<long>(
                database, "SELECT count(*) FROM orleans_membership WHERE deploymentid = @cluster AND status = 3", ("cluster", ClusterId));
            if (active == expected)
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static async Task<double> ExpiryDaysAsync(SiloProcess silo)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{silo.HttpPort}/metrics"));
        var line = page.Split('\n').First(l => l.StartsWith("user_events_cluster_tls_certificate_expiry_days", StringComparison.Ordinal));
        return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
