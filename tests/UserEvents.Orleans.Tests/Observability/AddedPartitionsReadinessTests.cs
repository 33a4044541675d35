using System.Net;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>
/// A real silo started against a topic of 3 partitions; then the broker at the same address reports 6 (LocalKafka cannot add
/// partitions to a topic, so it is restarted on the same port with 6: the silo's clients reconnect and see what a real broker
/// shows after partitions were added, except that the old partitions' records are gone too). Within the check period the silo
/// logs Critical (EventId 4050), /metrics shows 3 unread partitions and /health/ready is 503 naming the counts and the fix.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class AddedPartitionsReadinessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private SiloProcess? silo;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);
        database = await PostgresServer.CreateMigratedDatabaseAsync("addedparts");
    }

    public async Task DisposeAsync()
    {
        if (silo is not null)
        {
            output.WriteLine(silo.Tail(30));
            await silo.DisposeAsync();
        }

        await kafka.DisposeAsync();
        http.Dispose();
    }

    [Fact]
    public async Task Partitions_added_after_start_fail_readiness_naming_the_counts_log_critical_and_count_as_unread()
    {
        var environment = SiloEnvironment.For(kafka.BootstrapServers, Topic, database, "addedparts");
        environment["POSTGRES_MIGRATE"] = "false";
        environment["KAFKA_PARTITION_CHECK_SECONDS"] = "1";
        silo = await SiloProcess.StartAsync("addedparts", environment);

        var report = await WaitForReadinessAsync(HttpStatusCode.OK, r => r.Checks.TryGetValue("kafka-partitions", out var c) && c.Status == "Healthy");
        Assert.Contains("3 partitions in Kafka, the cluster reads 3", report.Checks["kafka-partitions"].Description);
        Assert.Equal(0, await WaitForMetricAsync("kafka_topic_partitions_unread", 0));
        Assert.DoesNotContain(silo.Output, line => line.Contains("[4050]", StringComparison.Ordinal));

        await kafka.AddPartitionsAsync(6);

        var partitions = (await Kcat.ListPartitionsAsync(kafka.BootstrapServers, Topic)).Count;
        Assert.Equal(6, partitions);
        var expected = $"{partitions} partitions in Kafka, the cluster reads 3: restart the silos one by one (rolling restart) so they read all {partitions}; partitions 3..{partitions - 1} are unread";
        report = await WaitForReadinessAsync(HttpStatusCode.ServiceUnavailable, r => r.Checks.TryGetValue("kafka-partitions", out var c) && c.Status == "Unhealthy" && c.Description.Contains(expected, StringComparison.Ordinal));
        Assert.Equal($"topic {Topic}: {expected}", report.Checks["kafka-partitions"].Description);
        Assert.Equal(partitions - 3, await WaitForMetricAsync("kafka_topic_partitions_unread", partitions - 3));
        Assert.Equal(partitions, await WaitForMetricAsync("kafka_topic_partitions", partitions));

        var line = Assert.Single(silo.Output, l => l.Contains("[4050]", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal));
        Assert.Contains("crit: ", line, StringComparison.Ordinal);

        // Once per change: later checks that see the same count do not log again.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Single(silo.Output, l => l.Contains("[4050]", StringComparison.Ordinal) && l.Contains(expected, StringComparison.Ordinal));
    }

    private async Task<double> WaitForMetricAsync(string name, double expected)
    {
        // The exporter reuses a scrape for a moment: ask until it is fresh.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        double value;
        do
        {
            value = await SiloReadiness.MetricSumAsync(http, silo!.HttpPort, name);
            if (value == expected)
            {
                return value;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);
        return value;
    }

    private Task<HealthReportJson> WaitForReadinessAsync(HttpStatusCode expected, Func<HealthReportJson, bool> condition) =>
        SiloReadiness.WaitForAsync(http, silo!.HttpPort, expected, condition, Timeout, output);
}
