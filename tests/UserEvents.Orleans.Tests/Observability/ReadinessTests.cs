using System.Net;
using Npgsql;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>
/// /health/ready of a real silo turns 503, naming the failed check, when its Kafka broker stops and when its PostgreSQL goes
/// away. The silo reaches PostgreSQL through a <see cref="TcpProxy"/>: stopping the proxy is PostgreSQL stopping for this silo
/// alone, while the shared server keeps serving the other tests.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ReadinessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(20);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private KafkaTestBroker kafka = null!;
    private TcpProxy postgres = null!;
    private SiloProcess? silo;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 2);
        var database = new NpgsqlConnectionStringBuilder(await PostgresServer.CreateEmptyDatabaseAsync("ready"));
        postgres = TcpProxy.Start(database.Host!, database.Port);
        database.Port = postgres.Port;
        silo = await SiloProcess.StartAsync("ready", SiloEnvironment.For(kafka.BootstrapServers, Topic, database.ConnectionString, "ready"));
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            output.WriteLine(silo.Tail(15));
            await silo.DisposeAsync();
        }

        await postgres.DisposeAsync();
        await kafka.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public async Task Ready_turns_503_naming_kafka_when_the_broker_stops_and_postgresql_when_the_database_goes_away()
    {
        var report = await WaitForReadinessAsync(HttpStatusCode.OK, _ => true);
        Assert.Equal("Healthy", report.Status);

        await kafka.StopAsync();
        report = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, r => r.Checks["kafka"].Status == "Unhealthy");
        Assert.Equal("Unhealthy", report.Status);
        Assert.Contains(kafka.BootstrapServers, report.Checks["kafka"].Description);
        Assert.Equal("Healthy", report.Checks["postgresql"].Status);
        Assert.Equal("Healthy", report.Checks["orleans"].Status);

        await postgres.StopAsync();
        report = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, r => r.Checks["postgresql"].Status == "Unhealthy");
        Assert.Contains("not reachable", report.Checks["postgresql"].Description);
    }

    private Task<HealthReportJson> WaitForReadinessAsync(HttpStatusCode expected, Func<HealthReportJson, bool> condition) =>
        SiloReadiness.WaitForAsync(http, silo!.HttpPort, expected, condition, ReadinessTimeout, output);
}
