using System.Net;
using Npgsql;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>
/// A real silo whose receivers cannot start because <c>kafka_checkpoints</c> is locked: /health/ready turns 503 naming the
/// partitions (check <c>kafka-receivers</c>), /metrics counts them, and both clear once the lock goes and the receivers start.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ReceiverStartReadinessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private SiloProcess? silo;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 2);
        database = await PostgresServer.CreateMigratedDatabaseAsync("recvstart");
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            output.WriteLine(silo.Tail(20));
            await silo.DisposeAsync();
        }

        await kafka.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public async Task Ready_turns_503_naming_the_partitions_whose_receivers_cannot_start_and_recovers_when_they_start()
    {
        await using var locker = new NpgsqlConnection(database);
        await locker.OpenAsync();
        await using var transaction = await locker.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand("LOCK TABLE kafka_checkpoints IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var environment = SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "recvstart");
        environment["POSTGRES_MIGRATE"] = "false";
        environment["KAFKA_RECEIVER_START_GRACE_SECONDS"] = "2";
        silo = await SiloProcess.StartAsync("recvstart", environment);

        // Each receiver's grace runs from its own assignment, so the two partitions can pass it in different reports.
        var report = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, r => r.Checks.TryGetValue("kafka-receivers", out var c) && c.Status == "Unhealthy"
            && c.Description.Contains($"{Topic}[0]") && c.Description.Contains($"{Topic}[1]"));
        Assert.Contains("2 partition(s)", report.Checks["kafka-receivers"].Description);
        Assert.Equal("Healthy", report.Checks["kafka"].Status);
        Assert.Equal(2, await MetricSumAsync("kafka_receiver_not_started"));

        await transaction.RollbackAsync();
        report = await WaitForReadinessAsync(HttpStatusCode.OK, r => r.Checks["kafka-receivers"].Status == "Healthy");
        Assert.Equal("Healthy", report.Status);
        // The exporter reuses a scrape for a moment: ask until it is fresh.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (await MetricSumAsync("kafka_receiver_not_started") != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.Equal(0, await MetricSumAsync("kafka_receiver_not_started"));
    }

    private Task<double> MetricSumAsync(string name) => SiloReadiness.MetricSumAsync(http, silo!.HttpPort, name);

    private Task<HealthReportJson> WaitForReadinessAsync(HttpStatusCode expected, Func<HealthReportJson, bool> condition) =>
        SiloReadiness.WaitForAsync(http, silo!.HttpPort, expected, condition, ReadinessTimeout, output);
}
