using System.Diagnostics;
using Confluent.Kafka;
using Npgsql;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Scenarios;

/// <summary>
/// peer: what Kafka Connect's JDBC sink does — one consumer, records decoded and buffered, one multi-row INSERT of up to
/// <see cref="BatchSize"/> rows per batch (a batch also ends when a poll finds nothing new), then the batch's offsets
/// committed to Kafka synchronously. The INSERT and the offset commit are separate: at-least-once, not exactly-once.
/// </summary>
public sealed class BatchedInsertPeerScenario
{
    public const int BatchSize = 1_000;

    public const string Line = "multi-row INSERT of 1,000 + Kafka offset commit per batch";

    public static string LineFor(bool prefilled) => prefilled ? Line + ", pre-produced backlog" : Line;

    public static async Task<ThroughputResult> RunAsync(BenchmarkContext context, long events, bool prefilled, CancellationToken cancellationToken)
    {
        await using var database = await context.CreateDatabaseAsync(prefilled ? "peer_batched_prefilled" : "peer_batched", cancellationToken);
        await using var kafka = await context.StartKafkaAsync(cancellationToken);
        using var producer = EventProducer.Connect(kafka.BootstrapServers, kafka.Topic, context.Plan.Seed);
        using var consumer = PlainKafkaConsumer.AssignedToAll(kafka.BootstrapServers, kafka.Topic, kafka.Partitions, "bench-peer-batched", autoCommit: false);
        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken);
        await using var fullBatch = new NpgsqlCommand(UserEventsTable.InsertCommand(BatchSize), connection);
        UserEventsTable.AddParameters(fullBatch, BatchSize);
        await fullBatch.PrepareAsync(cancellationToken);
        long stored = 0;
        var result = await BacklogDrain.RunAsync(
            kafka,
            producer,
            events,
            () => Interlocked.Read(ref stored),
            token => Task.Factory.StartNew(
                () =>
                {
                    var batch = new List<ConsumeResult<Ignore, byte[]>>(BatchSize);
                    while (Interlocked.Read(ref stored) < events)
                    {
                        var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                        token.ThrowIfCancellationRequested();
                        if (record is not null)
                        {
                            batch.Add(record);
                        }

                        if (batch.Count == BatchSize || (record is null && batch.Count > 0))
                        {
                            Insert(connection, fullBatch, batch);
                            consumer.Commit(batch
                                .GroupBy(r => r.TopicPartition)
                                .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1)));
                            Interlocked.Add(ref stored, batch.Count);
                            batch.Clear();
                        }
                    }

                    return Stopwatch.GetTimestamp();
                },
                token,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default),
            () => { },
            Environment.ProcessId,
            prefilled,
            cancellationToken);
        consumer.Close();
        await database.ExpectRowsAsync(events, cancellationToken);
        return new ThroughputResult(LineFor(prefilled), result.Events, result.Elapsed, result.Notes)
        {
            Cpu = result.Cpu,
        };
    }

    private static void Insert(NpgsqlConnection connection, NpgsqlCommand fullBatch, List<ConsumeResult<Ignore, byte[]>> batch)
    {
        var processedAt = DateTimeOffset.UtcNow;
        if (batch.Count == BatchSize)
        {
            Fill(fullBatch, batch, processedAt);
            fullBatch.ExecuteNonQuery();
            return;
        }

        using var partial = new NpgsqlCommand(UserEventsTable.InsertCommand(batch.Count), connection);
        UserEventsTable.AddParameters(partial, batch.Count);
        Fill(partial, batch, processedAt);
        partial.ExecuteNonQuery();
    }

    private static void Fill(NpgsqlCommand command, List<ConsumeResult<Ignore, byte[]>> batch, DateTimeOffset processedAt)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var row = EventRow.From(KafkaEventValue.Parse(record.Message.Value), record.Partition.Value, record.Offset.Value);
            UserEventsTable.SetRow(command, i, row, processedAt);
        }
    }
}
