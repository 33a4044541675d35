using UserEvents.Orleans.Cli.Commands;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// One silo process with mutual TLS (a silo certificate of the cluster CA) and HTTP_AUTH_TOKEN, reading our local Kafka
/// into a fresh database; a second CA stands for everyone else.
/// </summary>
public sealed class ClusterTlsSiloFixture : IAsyncLifetime
{
    public const string Token = "tls-test-token-5c1e9a7b3d2f4068";
    public const string ClusterId = "tls";

    private readonly string folder = Directory.CreateTempSubdirectory("cluster-tls-").FullName;
    private KafkaTestBroker kafka = null!;

    public ClusterCertificateAuthority Ca { get; }

    public ClusterCertificateAuthority OtherCa { get; }

    public SiloProcess Silo { get; private set; } = null!;

    public Dictionary<string, string> Environment { get; private set; } = null!;

    public string Database { get; private set; } = "";

    public string Topic => kafka.Topic;

    public string Brokers => kafka.BootstrapServers;

    public ClusterTlsSiloFixture()
    {
        Ca = ClusterCertificateAuthority.Create(folder, "cluster");
        OtherCa = ClusterCertificateAuthority.Create(folder, "other");
    }

    public Uri Address(string path) => new($"http://127.0.0.1:{Silo.HttpPort}{path}");

    /// <summary>The CLI's cluster settings for this silo's cluster, with the given client certificate files (or none).</summary>
    public ClusterSettings Client(ClusterCertificateFiles? files)
    {
        var postgres = new Npgsql.NpgsqlConnectionStringBuilder(Database);
        return new ClusterSettings
        {
            PostgresHost = postgres.Host,
            PostgresPort = postgres.Port,
            PostgresDatabase = postgres.Database,
            PostgresUser = postgres.Username,
            PostgresPassword = postgres.Password,
            ClusterId = ClusterId,
            TlsCertificateFile = files?.CertificateFile,
            TlsKeyFile = files?.KeyFile,
            TlsCaFile = files?.CaFile,
        };
    }

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 2);
        Database = await PostgresServer.CreateEmptyDatabaseAsync("tls");
        Environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, Database, ClusterId);
        Environment["HTTP_AUTH_TOKEN"] = Token;
        Ca.IssueSilo("silo-1").AddTo(Environment);
        Silo = await SiloProcess.StartAsync("tls", Environment);
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        await kafka.DisposeAsync();
        Ca.Dispose();
        OtherCa.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
