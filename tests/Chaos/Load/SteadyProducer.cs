using Confluent.Kafka;
using UserEvents.Orleans.Cli.Producing;

namespace UserEvents.Orleans.Chaos.Load;

/// <summary>
/// Produces <see cref="ChaosRecordGenerator"/> records to one topic at a steady rate in the background (the CLI's
/// batching, lz4, idempotent producer settings and its rate pacer) until stopped, and counts the delivery reports.
/// One producer per broker life: a broker that restarts empty is a new cluster to an idempotent producer.
/// </summary>
public sealed class SteadyProducer : IAsyncDisposable
{
    private const int PermitsPerRound = 256;
    private const int ResendRounds = 20;
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    private readonly IProducer<byte[]?, byte[]?> producer;
    private readonly string topic;
    private readonly ChaosRecordGenerator generator;
    private readonly RatePacer pacer;
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private long delivered;
    private long deliveredToReject;
    private long failed;
    private long uncertain;
    private long uncertainToReject;
    private string? firstError;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Message<byte[]?, byte[]?>> toResend = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<Message<byte[]?, byte[]?>> toResendToReject = new();

    private SteadyProducer(string bootstrapServers, string topic, double eventsPerSecond, double malformedPercent)
    {
        this.topic = topic;
        generator = new ChaosRecordGenerator(malformedPercent);
        pacer = new RatePacer(eventsPerSecond);
        producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaEventPublisher.CreateConfig(bootstrapServers))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
    }

    public static SteadyProducer Start(string bootstrapServers, string topic, double eventsPerSecond, double malformedPercent)
    {
        var steady = new SteadyProducer(bootstrapServers, topic, eventsPerSecond, malformedPercent);
        steady.loop = Task.Run(() => steady.ProduceAsync(steady.stop.Token));
        return steady;
    }

    /// <summary>Stops producing, waits for the outstanding delivery reports and returns the counts.</summary>
    public async Task<ProducedCounts> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        await Task.Run(() => producer.Flush(FlushTimeout));
        for (var round = 0; round < ResendRounds && !(toResend.IsEmpty && toResendToReject.IsEmpty); round++)
        {
            await SendAgainAsync(CancellationToken.None);
            await Task.Run(() => producer.Flush(FlushTimeout));
        }

        Interlocked.Add(ref failed, toResend.Count + toResendToReject.Count);
        return new ProducedCounts(
            Interlocked.Read(ref delivered),
            Interlocked.Read(ref deliveredToReject),
            Interlocked.Read(ref failed),
            Volatile.Read(ref firstError),
            Interlocked.Read(ref uncertain),
            Interlocked.Read(ref uncertainToReject));
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        producer.Dispose();
        stop.Dispose();
    }

    private async Task ProduceAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await SendAgainAsync(cancellationToken);
                var permits = await pacer.AcquireAsync(PermitsPerRound, cancellationToken);
                for (var i = 0; i < permits; i++)
                {
                    await SendAsync(generator.Next(), cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: what was sent is flushed by StopAsync.
        }
    }

    private Task SendAsync(ChaosRecord record, CancellationToken cancellationToken) =>
        SendAsync(new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value }, record.MustBeRejected, cancellationToken);

    private async Task SendAgainAsync(CancellationToken cancellationToken)
    {
        while (toResend.TryDequeue(out var message))
        {
            await SendAsync(message, toReject: false, cancellationToken);
        }

        while (toResendToReject.TryDequeue(out var message))
        {
            await SendAsync(message, toReject: true, cancellationToken);
        }
    }

    private async Task SendAsync(Message<byte[]?, byte[]?> message, bool toReject, CancellationToken cancellationToken)
    {
        // The producer's delivery reports carry no key and value (DeliveryReportFields): the message is kept here for a resend.
        void Report(DeliveryReport<byte[]?, byte[]?> report) => OnReport(report, message, toReject);
        while (true)
        {
            try
            {
                producer.Produce(topic, message, Report);
                return;
            }
            // A full queue waits for deliveries; an unknown topic is a broker coming back from a crash whose first
            // metadata answers do not list the topic yet (the record was not sent: sending it again is not a duplicate).
            catch (ProduceException<byte[]?, byte[]?> exception) when (exception.Error.Code is Confluent.Kafka.ErrorCode.Local_QueueFull or Confluent.Kafka.ErrorCode.Local_UnknownTopic)
            {
                await Task.Delay(QueueFullBackoff, cancellationToken);
            }
        }
    }

    private void OnReport(DeliveryReport<byte[]?, byte[]?> report, Message<byte[]?, byte[]?> message, bool toReject)
    {
        // A broker killed -9 and coming back: librdkafka gives up on records whose partition its metadata does not list yet,
        // or that timed out. Sent again, as an at-least-once producer does; one that may have reached the log counts as uncertain.
        if (report.Error.Code is Confluent.Kafka.ErrorCode.Local_UnknownPartition or Confluent.Kafka.ErrorCode.Local_UnknownTopic or Confluent.Kafka.ErrorCode.Local_MsgTimedOut or Confluent.Kafka.ErrorCode.Local_Transport)
        {
            if (report.Status != PersistenceStatus.NotPersisted)
            {
                Interlocked.Increment(ref uncertain);
                if (toReject)
                {
                    Interlocked.Increment(ref uncertainToReject);
                }
            }

            (toReject ? toResendToReject : toResend).Enqueue(message);
            return;
        }

        if (report.Error.IsError)
        {
            Interlocked.Increment(ref failed);
            Interlocked.CompareExchange(ref firstError, report.Error.ToString(), null);
            return;
        }

        Interlocked.Increment(ref delivered);
        if (toReject)
        {
            Interlocked.Increment(ref deliveredToReject);
        }
    }
}
