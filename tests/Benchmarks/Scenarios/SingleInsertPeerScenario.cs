using System.Diagnostics;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// peer: the plain way — one Confluent.Kafka consumer (librdkafka's default auto-commit of offsets to Kafka), and for
/// each record a JSON decode and one prepared INSERT in autocommit mode (one transaction, one WAL flush per event).
/// At-least-once, not exactly-once. Run on a smaller sample: it is slow.
/// </summary>
public sealed class SingleInsertPeerScenario
{
    public const string Line = "one INSERT per event (autocommit)";

    public static async Task<ThroughputResult> RunAsync(BenchmarkContext context, long events, CancellationToken cancellationToken)
    {
        await using var database = await context.CreateDatabaseAsync("peer_single", cancellationToken);
        await using var kafka = await context.StartKafkaAsync(cancellationToken);
        using var producer = EventProducer.Connect(kafka.BootstrapServers, kafka.Topic, context.Plan.Seed);
        using var consumer = PlainKafkaConsumer.AssignedToAll(kafka.BootstrapServers, kafka.Topic, kafka.Partitions, "bench-peer-single", autoCommit: true);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var insert = new Npgsql.NpgsqlCommand(UserEventsTable.InsertCommand(1), connection);
        UserEventsTable.AddParameters(insert, 1);
        await insert.PrepareAsync(cancellationToken);
        long stored = 0;
        var result = await BacklogDrain.RunAsync(
            kafka,
            producer,
            events,
            () => Interlocked.Read(ref stored),
            token => Task.Factory.StartNew(
                () =>
                {
                    while (Interlocked.Read(ref stored) < events)
                    {
                        var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                        token.ThrowIfCancellationRequested();
                        if (record is null)
                        {
                            continue;
                        }

                        var row = EventRow.From(KafkaEventValue.Parse(record.Message.Value), record.Partition.Value, record.Offset.Value);
                        UserEventsTable.SetRow(insert, 0, row, DateTimeOffset.UtcNow);
                        insert.ExecuteNonQuery();
                        Interlocked.Increment(ref stored);
                    }

                    return Stopwatch.GetTimestamp();
                },
                token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default),
            () => { },
            Environment.ProcessId,
            prefilled: false,
            cancellationToken);
        consumer.Close();
        await database.ExpectRowsAsync(events, cancellationToken);
        return new ThroughputResult(Line, result.Events, result.Elapsed, "sample; " + result.Notes)
        {
            Cpu = result.Cpu,
        };
    }
}
