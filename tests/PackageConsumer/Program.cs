using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansKafka.Streaming;
using OrleansKafka.Streaming.Balancing;

// Configures a silo with the Kafka provider through the package's public API only. With --no-run it builds the host,
// runs Orleans' configuration validators (the provider's options and dependency checks among them) and exits without
// connecting to anything.
var builder = Host.CreateApplicationBuilder();
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddKafkaStreams("kafka", kafka => kafka
        .ConfigureKafka(options => options.Configure(o =>
        {
            o.BootstrapServers = "localhost:9092";
            o.Topic = "orders";
            o.StreamNamespace = "orders";
            o.StartingOffsets = KafkaStartingOffsets.Earliest;
        }))
        .UseRecordDecoder<RawValueDecoder>()
        .UseCheckpointStore<InMemoryCheckpointStore>()
        .UseQueueOwnershipStore<InMemoryOwnershipStore>()
        .ConfigureCache(16)));

using var host = builder.Build();
if (args.Contains("--no-run"))
{
    foreach (var validator in host.Services.GetServices<IConfigurationValidator>())
    {
        validator.ValidateConfiguration();
    }

    var options = host.Services.GetRequiredService<IOptionsMonitor<KafkaStreamOptions>>().Get("kafka");
    var metrics = host.Services.GetRequiredService<KafkaReceiverMetrics>();
    Console.WriteLine($"configured: provider kafka, topic {options.Topic}, meter {KafkaReceiverMetrics.MeterName}, {metrics.Starts.NotStarted().Count} receivers waiting");
    return 0;
}

await host.RunAsync();
return 0;

/// <summary>Each batch becomes its range and the records' values.</summary>
internal sealed class RawValueDecoder : IKafkaRecordDecoder
{
    public object Decode(KafkaRecordRange range, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records) =>
        new RawBatch(range, records.Select(r => r.Message.Value ?? []).ToArray());
}

[GenerateSerializer, Immutable]
internal sealed record RawBatch([property: Id(0)] KafkaRecordRange Range, [property: Id(1)] byte[][] Values);

/// <summary>Checkpoints in memory: enough to configure a silo, not to survive one.</summary>
internal sealed class InMemoryCheckpointStore : IKafkaCheckpointStore
{
    private readonly Dictionary<(string, int), KafkaCheckpoint> checkpoints = [];
    private readonly Lock gate = new();

    public Task<KafkaCheckpoint?> ReadAsync(string topic, int partition, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(checkpoints.TryGetValue((topic, partition), out var c) ? c : (KafkaCheckpoint?)null);
        }
    }

    public Task<KafkaCheckpoint> PinAsync(string topic, int partition, long startOffset, string? topicId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            checkpoints.TryAdd((topic, partition), new KafkaCheckpoint(startOffset, 0));
            return Task.FromResult(checkpoints[(topic, partition)]);
        }
    }

    public Task ClaimAsync(string topic, int partition, string owner, DateTimeOffset assignedAt, string? topicId, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public Task<KafkaCheckpointReset> ResetOutOfRangeAsync(
        string topic, int partition, long lowWatermark, long highWatermark, string? topicId, KafkaLogProbe? lastRecord, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var previous = checkpoints[(topic, partition)];
            var current = previous.NextOffset < lowWatermark ? previous with { NextOffset = lowWatermark }
                : previous.NextOffset > highWatermark ? new KafkaCheckpoint(highWatermark, previous.LogGeneration + 1)
                : previous;
            checkpoints[(topic, partition)] = current;
            return Task.FromResult(new KafkaCheckpointReset(previous, current));
        }
    }
}

/// <summary>The ownership of one silo's cluster, in memory.</summary>
internal sealed class InMemoryOwnershipStore : IQueueOwnershipStore
{
    private readonly Lock gate = new();
    private QueueOwnership stored = QueueOwnership.None;

    public Task<QueueOwnership> UpdateAsync(string scope, Func<QueueOwnership, QueueOwnership?> decide, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            stored = decide(stored) ?? stored;
            return Task.FromResult(stored);
        }
    }
}
