using System.Globalization;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Grains.Hosting;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Scaling;

/// <summary>
/// Silos join, stop and crash under a TestCluster over our broker and PostgreSQL: the queues spread evenly
/// (kafka_queue_owners), the receivers follow (kafka_checkpoints.owner), and each partition's consumer, hence the writer
/// that stores it, runs on the silo that reads it.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class ScaleOutTests : IAsyncLifetime
{
    private string Topic => kafka.Topic;
    private const int Partitions = 6;
    private KafkaTestBroker kafka = null!;
    private string database = "";
    private TestCluster cluster = null!;
    private int produced;
    private int malformed;

    public async Task InitializeAsync()
    {
        kafka = await KafkaTestBroker.StartAsync("user-events", partitions: Partitions);
        database = await PostgresServer.CreateMigratedDatabaseAsync("scale");
        var builder = new TestClusterBuilder(1);
        builder.Properties["Kafka"] = kafka.BootstrapServers;
        builder.Properties["KafkaTopic"] = kafka.Topic;
        builder.Properties["Postgres"] = database;
        builder.AddSiloBuilderConfigurator<IngestionSilo>();
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        await kafka.DisposeAsync();
    }

    [Fact]
    public async Task Two_silos_join_one_then_leaves_and_the_work_follows_the_reads_every_time()
    {
        await ProduceAndStoreAsync(3_000);
        await AssertSpreadAsync(6);

        await cluster.StartAdditionalSilosAsync(2);
        await AssertSpreadAsync(2, 2, 2);
        await ProduceAndStoreAsync(1_200);
        await AssertWorkFollowsReadsAsync();
        var before = await SiloReportsAsync(3);
        var lastMove = await LastMoveAsync();
        await ProduceAndStoreAsync(6_000);
        await AssertEachSiloStoresWhatItReadsAsync(before);
        Assert.Equal(lastMove, await LastMoveAsync());
        await AssertConsumersAccountForEveryRowAsync();

        await cluster.StopSiloAsync(cluster.SecondarySilos[0]);
        await AssertSpreadAsync(3, 3);
        await ProduceAndStoreAsync(6_000);
        await AssertWorkFollowsReadsAsync();
    }

    [Fact]
    public async Task A_crashed_silos_partitions_go_to_the_survivors_and_their_writers_store_them()
    {
        await cluster.StartAdditionalSilosAsync(2);
        await AssertSpreadAsync(2, 2, 2);
        await ProduceAndStoreAsync(3_000);
        await AssertWorkFollowsReadsAsync();

        await cluster.KillSiloAsync(cluster.SecondarySilos[1]);
        await AssertSpreadAsync(3, 3);
        await ProduceAndStoreAsync(6_000);
        await AssertWorkFollowsReadsAsync();
    }

    private async Task ProduceAndStoreAsync(int count)
    {
        var messages = SampleEvents.Generate(count, malformedEvery: 50, firstId: produced);
        malformed += SampleEvents.MalformedCount(count, 50, produced);
        produced += count;
        await Kcat.ProduceAsync(kafka.BootstrapServers, Topic, messages);
        var totals = await IngestionAssertions.WaitForStoredAsync(database, Topic, produced, TimeSpan.FromSeconds(90));
        IngestionAssertions.AssertExactlyOnce(totals, produced, malformed);
    }

    /// <summary>The active silos' shares, largest first, once the balancers settle (and each silo running in the cluster has one).</summary>
    private async Task AssertSpreadAsync(params int[] expected)
    {
        var active = cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToHashSet();
        int[] shares = [];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var owners = await ReadOwnersAsync("SELECT queue, owner FROM kafka_queue_owners");
            shares = owners.Values.GroupBy(o => o).Where(g => active.Contains(g.Key)).Select(g => g.Count()).OrderDescending().ToArray();
            if (shares.SequenceEqual(expected) && owners.Count == Partitions)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"expected shares [{string.Join(",", expected)}], saw [{string.Join(",", shares)}]");
    }

    /// <summary>Per partition: the balancer's owner, the receiver that last claimed it, and the consumer (whose local writer stores it) agree.</summary>
    private async Task AssertWorkFollowsReadsAsync()
    {
        var assigned = await ReadOwnersAsync("SELECT queue, owner FROM kafka_queue_owners");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string[] disagreements = [];
        while (DateTime.UtcNow < deadline)
        {
            var reading = await ReadOwnersAsync($"SELECT partition, owner FROM kafka_checkpoints WHERE topic = '{Topic}'");
            var statuses = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(p =>
                cluster.Client.GetGrain<IPartitionConsumerGrain>(p.ToString(CultureInfo.InvariantCulture)).GetStatusAsync()));
            disagreements = statuses
                .Where(s => reading.GetValueOrDefault(s.Partition) != assigned[s.Partition]
                    || s.Silo != SiloAddress.FromParsableString(assigned[s.Partition]).ToString())
                .Select(s => $"partition {s.Partition}: assigned {assigned[s.Partition]}, read by {reading.GetValueOrDefault(s.Partition)}, consumed on {s.Silo}")
                .ToArray();
            if (disagreements.Length == 0)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail(string.Join("; ", disagreements));
    }

    /// <summary>A consumer's counters travel with it when it migrates (a stopped silo's consumers lose theirs, so not after a stop).</summary>
    /// <summary>The per-silo figures (what the ingestion page shows) once every running silo reported twice.</summary>
    private async Task<Dictionary<string, SiloIngestion>> SiloReportsAsync(int silos)
    {
        var since = DateTimeOffset.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var reports = await cluster.Client.GetGrain<ISiloIngestionGrain>(0).GetAsync();
            if (reports.Length == silos && reports.All(r => r.ReportedAt > since.AddSeconds(1) && r.EventsStoredPerSecond is not null))
            {
                return reports.ToDictionary(r => r.Silo);
            }

            await Task.Delay(250);
        }

        Assert.Fail($"not every one of {silos} silos reported");
        return [];
    }

    /// <summary>Over the window, each silo's writer stored within 30% of what its receivers read, and each read its share.</summary>
    private async Task AssertEachSiloStoresWhatItReadsAsync(Dictionary<string, SiloIngestion> before)
    {
        var after = await SiloReportsAsync(before.Count);
        var shares = after.Values.Select(a => (
            a.Silo,
            partitions: a.Partitions.Length,
            read: a.RecordsRead - before[a.Silo].RecordsRead,
            stored: a.EventsStored - before[a.Silo].EventsStored)).ToArray();
        var described = string.Join("; ", shares.Select(s => $"{s.Silo}: {s.partitions} partitions, read {s.read}, stored {s.stored}"));
        Assert.All(shares, s =>
        {
            Assert.Equal(2, s.partitions);
            Assert.True(s.read > 0 && Math.Abs(s.stored - s.read) <= 0.3 * s.read, described);
        });
    }

    private async Task AssertConsumersAccountForEveryRowAsync()
    {
        var totals = await IngestionAssertions.ReadTotalsAsync(database, Topic);
        var statuses = await Task.WhenAll(Enumerable.Range(0, Partitions).Select(p =>
            cluster.Client.GetGrain<IPartitionConsumerGrain>(p.ToString(CultureInfo.InvariantCulture)).GetStatusAsync()));
        Assert.Equal(totals.Events, statuses.Sum(s => s.EventsWritten));
        Assert.All(statuses, s => Assert.Equal(0, s.GapBatches));
    }

    /// <summary>When a queue last changed owner: it must not change while membership is stable.</summary>
    private Task<DateTime> LastMoveAsync() => PostgresServer.ScalarAsync<DateTime>(database, "SELECT max(updated_at) FROM kafka_queue_owners");

    private async Task<Dictionary<int, string>> ReadOwnersAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var owners = new Dictionary<int, string>();
        while (await reader.ReadAsync())
        {
            owners[reader.GetInt32(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
        }

        return owners;
    }

    private sealed class IngestionSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 3;
            });
            siloBuilder.AddUserEventsIngestion(
                NpgsqlDataSource.Create(configuration["Postgres"]!),
                kafka =>
                {
                    kafka.BootstrapServers = configuration["Kafka"]!;
                    kafka.Topic = configuration["KafkaTopic"]!;
                    kafka.StartingOffsets = KafkaStartingOffsets.Earliest;
                });
        }
    }
}
