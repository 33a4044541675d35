using Confluent.Kafka;
using Npgsql;
using Orleans.Configuration;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// Reads a window of a partition again with read_committed and merges its offsets, in order, with the distinct offsets
/// stored there (one ordered pass over the position indexes): neither side is held in memory.
/// </summary>
internal static class KafkaRereadQuery
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private const string Stored = """
        SELECT kafka_offset FROM user_events
        WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND kafka_offset >= $3 AND kafka_offset < $4
        UNION
        SELECT kafka_offset FROM user_events_rejected
        WHERE kafka_partition = $1 AND kafka_log_generation = $2 AND kafka_offset >= $3 AND kafka_offset < $4
        ORDER BY 1
        """;

    public static async Task<KafkaReread> RereadAsync(
        string connectionString, KafkaConnectionOptions kafka, string topic, int partition, int generation, long from, long to, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig(KafkaAdminClients.Config(kafka, "user-events-cli-verify").ToDictionary(c => c.Key, c => c.Value))
        {
            GroupId = "user-events-cli-verify",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Error,
            IsolationLevel = IsolationLevel.ReadCommitted,
        };
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, partition, from));
        var records = new CommittedOffsets(consumer, to, cancellationToken);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Stored, connection);
        foreach (var value in new object[] { partition, generation, from, to })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        long delivered = 0, missing = 0, unexpected = 0;
        var next = records.Next();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = reader.GetInt64(0);
                while (next is { } offset && offset < stored)
                {
                    delivered++;
                    missing++;
                    next = records.Next();
                }

                if (next == stored)
                {
                    delivered++;
                    next = records.Next();
                }
                else
                {
                    unexpected++;
                }
            }
        }

        for (; next is not null; next = records.Next())
        {
            delivered++;
            missing++;
        }

        consumer.Close();
        return new KafkaReread(partition, generation, from, to, delivered, missing, unexpected, records.ReachedEnd);
    }

    /// <summary>The offsets Kafka delivers from the assigned position up to an end, in order.</summary>
    private sealed class CommittedOffsets(IConsumer<Ignore, Ignore> consumer, long end, CancellationToken cancellationToken)
    {
        public bool ReachedEnd { get; private set; }

        public long? Next()
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!ReachedEnd && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                cancellationToken.ThrowIfCancellationRequested();
                if (result is null)
                {
                    continue;
                }

                // At the partition's end, the position is past the markers and aborted records read committed skips.
                if (result.IsPartitionEOF || result.Offset.Value >= end)
                {
                    ReachedEnd = result.Offset.Value >= end;
                    if (ReachedEnd)
                    {
                        return null;
                    }

                    continue;
                }

                deadline = DateTime.UtcNow + Patience;
                return result.Offset.Value;
            }

            return null;
        }
    }
}
