using Confluent.Kafka;
using UserEvents.Orleans.Cli.Events;

namespace UserEvents.Orleans.Cli.Producing;

/// <summary>
/// Sends <see cref="SampleEvent"/>s to one topic with a batching, lz4-compressing, idempotent producer
/// (acks=all) and counts the delivery reports. Back-pressure: when librdkafka's queue is full it waits.
/// </summary>
public sealed class KafkaEventPublisher : IDisposable
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(2);

    private readonly IProducer<string, byte[]> producer;
    private readonly string topic;
    private readonly Action<DeliveryReport<string, byte[]>> onValidReport;
    private readonly Action<DeliveryReport<string, byte[]>> onMalformedReport;
    private long sent;
    private long delivered;
    private long deliveredMalformed;
    private long failed;
    private string? firstError;

    /// <param name="clientSettings">librdkafka settings (TLS, SASL: the KAFKA_CLIENT_* variables), applied under ours.</param>
    public KafkaEventPublisher(string bootstrapServers, string topic, IReadOnlyDictionary<string, string>? clientSettings = null)
    {
        this.topic = topic;
        producer = new ProducerBuilder<string, byte[]>(CreateConfig(bootstrapServers, clientSettings))
            // Connection hiccups are retried by librdkafka and surface as failed deliveries if they last.
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
        onValidReport = report => OnReport(report, isMalformed: false);
        onMalformedReport = report => OnReport(report, isMalformed: true);
    }

    public DeliveryCounts Counts => new(
        Interlocked.Read(ref sent),
        Interlocked.Read(ref delivered),
        Interlocked.Read(ref deliveredMalformed),
        Interlocked.Read(ref failed),
        Volatile.Read(ref firstError));

    public static ProducerConfig CreateConfig(string bootstrapServers, IReadOnlyDictionary<string, string>? clientSettings = null) =>
        new(clientSettings?.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal) ?? [])
        {
            BootstrapServers = bootstrapServers,
            ClientId = "user-events-cli",
            Acks = Acks.All,
            EnableIdempotence = true,
            CompressionType = CompressionType.Lz4,
            LingerMs = 10,
            BatchSize = 1_000_000,
            QueueBufferingMaxMessages = 500_000,
            MessageTimeoutMs = 60_000,
            // Only the error is read from delivery reports: skip marshalling keys and values back.
            DeliveryReportFields = "none",
        };

    /// <summary>Fails fast when no broker answers; returns the topic's partition count (0: not there yet, auto-created on first send).</summary>
    /// <exception cref="KafkaException">No broker answered within <paramref name="timeout"/>.</exception>
    public int CheckConnection(TimeSpan timeout)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(topic, timeout);
        var topicMetadata = metadata.Topics.FirstOrDefault(candidate => candidate.Topic == topic);
        return topicMetadata is { Error.IsError: false } ? topicMetadata.Partitions.Count : 0;
    }

    /// <summary>
    /// Sends events from <paramref name="nextEvent"/> at the pace of <paramref name="pacer"/> until
    /// <paramref name="count"/> are sent (0: no limit) or <paramref name="cancellationToken"/> fires.
    /// Returns without waiting for the deliveries (see <see cref="Flush"/>).
    /// </summary>
    public async Task PublishAsync(Func<SampleEvent> nextEvent, long count, RatePacer pacer, Action<long>? onSent, CancellationToken cancellationToken)
    {
        const int MaxBatch = 1024;
        try
        {
            while (!cancellationToken.IsCancellationRequested && (count == 0 || sent < count))
            {
                var wanted = count == 0 ? MaxBatch : (int)Math.Min(MaxBatch, count - sent);
                var permits = await pacer.AcquireAsync(wanted, cancellationToken);
                for (var i = 0; i < permits; i++)
                {
                    await SendAsync(nextEvent(), cancellationToken);
                    Interlocked.Increment(ref sent);
                }

                onSent?.Invoke(sent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the user: what was sent is still flushed.
        }
    }

    /// <summary>Waits until every record sent has a delivery report or <paramref name="timeout"/> passes; returns how many are still pending.</summary>
    public int Flush(TimeSpan timeout) => producer.Flush(timeout);

    public void Dispose() => producer.Dispose();

    private async ValueTask SendAsync(SampleEvent sampleEvent, CancellationToken cancellationToken)
    {
        var message = new Message<string, byte[]> { Key = sampleEvent.Key, Value = sampleEvent.Value };
        var onReport = sampleEvent.IsMalformed ? onMalformedReport : onValidReport;
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onReport);
                return;
            }
            catch (ProduceException<string, byte[]> exception) when (exception.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
            {
                await Task.Delay(QueueFullBackoff, cancellationToken);
            }
        }
    }

    private void OnReport(DeliveryReport<string, byte[]> report, bool isMalformed)
    {
        if (report.Error.IsError)
        {
            Interlocked.Increment(ref failed);
            Interlocked.CompareExchange(ref firstError, report.Error.ToString(), null);
            return;
        }

        Interlocked.Increment(ref delivered);
        if (isMalformed)
        {
            Interlocked.Increment(ref deliveredMalformed);
        }
    }
}
