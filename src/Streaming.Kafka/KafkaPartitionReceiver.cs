using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace UserEvents.Orleans.Streaming.Kafka;

/// <summary>
/// Reads one Kafka partition (one Orleans queue) with an assigned, never group-subscribed consumer.
/// It starts at the partition's checkpoint, pinning the configured starting point first when there is none,
/// and packs the records it finds into containers of contiguous offset ranges.
/// </summary>
internal sealed partial class KafkaPartitionReceiver : IQueueAdapterReceiver
{
    private readonly string providerName;
    private readonly string owner;
    private readonly KafkaStreamOptions options;
    private readonly IKafkaRecordDecoder decoder;
    private readonly IKafkaCheckpointStore checkpoints;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly TopicPartition topicPartition;
    private readonly StreamId streamId;
    private readonly StalledCheckpointWatch stallWatch;
    private readonly KafkaReceiverMetrics metrics;
    private readonly Lock consumerGate = new();
    private IConsumer<byte[]?, byte[]?>? consumer;
    private IDisposable? lagTracking;
    private long nextOffset;
    private long sequenceNumber;
    private long? outOfRangeSince;

    public KafkaPartitionReceiver(
        string providerName,
        string owner,
        KafkaStreamOptions options,
        int partition,
        IKafkaRecordDecoder decoder,
        IKafkaCheckpointStore checkpoints,
        TimeProvider time,
        KafkaReceiverMetrics metrics,
        ILogger logger)
    {
        this.providerName = providerName;
        this.owner = owner;
        this.options = options;
        this.decoder = decoder;
        this.checkpoints = checkpoints;
        this.time = time;
        this.metrics = metrics;
        this.logger = logger;
        topicPartition = new TopicPartition(options.Topic, new Partition(partition));
        streamId = KafkaPartitionStreams.StreamIdFor(options.StreamNamespace, partition);
        stallWatch = new StalledCheckpointWatch(options.CheckpointProbeInterval, options.StalledCheckpointTimeout, time);
    }

    public int Partition => topicPartition.Partition.Value;

    /// <summary>The next offset this receiver will hand out.</summary>
    public long Position => Volatile.Read(ref nextOffset);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var newConsumer = new ConsumerBuilder<byte[]?, byte[]?>(KafkaClientConfig.ForReceiver(options, providerName))
            .SetErrorHandler((_, error) =>
            {
                // librdkafka reports every failed connection attempt (many a second while a broker is down);
                // "all brokers down" says the same once, and /health/ready reports it.
                if (error.Code == ErrorCode.Local_Transport)
                {
                    LogKafkaTransportError(options.Topic, Partition, error.Reason);
                }
                else
                {
                    LogKafkaError(options.Topic, Partition, error.Code, error.Reason);
                }
            })
            .SetLogHandler((_, message) => LogKafkaLog(options.Topic, Partition, message.Level.ToString(), message.Message))
            .Build();
        try
        {
            var checkpoint = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
            if (checkpoint is null)
            {
                var watermarks = await Task.Run(() => newConsumer.QueryWatermarkOffsets(topicPartition, options.MetadataTimeout), cancellationToken);
                var start = options.StartingOffsets == KafkaStartingOffsets.Earliest ? watermarks.Low.Value : watermarks.High.Value;
                checkpoint = await checkpoints.PinAsync(options.Topic, Partition, start, cancellationToken);
                LogPinned(options.Topic, Partition, options.StartingOffsets, checkpoint.Value, watermarks.Low.Value, watermarks.High.Value);
            }

            await ClaimAsync(cancellationToken);
            newConsumer.Assign(new TopicPartitionOffset(topicPartition, new Offset(checkpoint.Value)));
            Volatile.Write(ref nextOffset, checkpoint.Value);
            sequenceNumber = checkpoint.Value;
            stallWatch.Reset(checkpoint.Value);
            lock (consumerGate)
            {
                consumer = newConsumer;
            }

            lagTracking?.Dispose();
            lagTracking = metrics.TrackLag(options.Topic, Partition, CurrentLag);
            LogStarted(options.Topic, Partition, checkpoint.Value);
        }
        catch (Exception exception)
        {
            newConsumer.Dispose();
            LogInitializeFailed(exception, options.Topic, Partition, options.BootstrapServers);
            throw;
        }
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var containers = new List<IBatchContainer>();
        if (consumer is null)
        {
            return containers;
        }

        if (outOfRangeSince is not null)
        {
            await RecoverFromOutOfRangeAsync(cancellationToken);
            return containers;
        }

        await RewindIfCheckpointStalledAsync(cancellationToken);

        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var drained = false;
        while (containers.Count < Math.Max(1, maxCount) && !drained)
        {
            while (records.Count < options.MaxRecordsPerBatch)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.Zero);
                }
                catch (ConsumeException exception) when (exception.Error.Code is ErrorCode.OffsetOutOfRange or ErrorCode.Local_AutoOffsetReset or ErrorCode.Local_LogTruncation)
                {
                    outOfRangeSince ??= time.GetTimestamp();
                    LogOutOfRange(options.Topic, Partition, nextOffset, exception.Error.Reason);
                    drained = true;
                    break;
                }
                catch (ConsumeException exception)
                {
                    LogConsumeFailed(exception, options.Topic, Partition, nextOffset, exception.Error.Code, exception.Error.Reason);
                    drained = true;
                    break;
                }

                if (result is null)
                {
                    drained = true;
                    break;
                }

                if (!result.IsPartitionEOF)
                {
                    records.Add(result);
                }
            }

            if (records.Count == 0)
            {
                break;
            }

            containers.Add(Pack(records));
            records = [];
        }

        return containers;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lagTracking?.Dispose();
        lagTracking = null;
        IConsumer<byte[]?, byte[]?>? closing;
        lock (consumerGate)
        {
            closing = consumer;
            consumer = null;
        }

        if (closing is not null)
        {
            try
            {
                closing.Close();
            }
            finally
            {
                closing.Dispose();
            }

            LogStopped(options.Topic, Partition, nextOffset);
        }

        return Task.CompletedTask;
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    private KafkaBatchContainer Pack(List<ConsumeResult<byte[]?, byte[]?>> records)
    {
        var first = records[0].Offset.Value;
        // Offsets may skip (transaction markers, compaction): the range starts where the previous one ended,
        // unless the consumer was moved back, in which case it starts at the first record.
        var from = first >= nextOffset ? nextOffset : first;
        var to = records[^1].Offset.Value + 1;
        var range = new KafkaRecordRange(options.Topic, Partition, from, to);
        Volatile.Write(ref nextOffset, to);
        metrics.BatchRead(options.Topic, Partition, records.Count);
        var payload = decoder.Decode(range, records);
        return new KafkaBatchContainer(streamId, new EventSequenceTokenV2(sequenceNumber++), range, payload);
    }

    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        try
        {
            await checkpoints.ClaimAsync(options.Topic, Partition, owner, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Ownership is for monitoring: failing to record it must not stop the partition from being read.
            LogClaimFailed(exception, options.Topic, Partition, owner);
        }
    }

    private async Task RewindIfCheckpointStalledAsync(CancellationToken cancellationToken)
    {
        if (!stallWatch.ShouldProbe(nextOffset))
        {
            return;
        }

        long? checkpoint;
        try
        {
            checkpoint = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
        }
        catch (Exception exception)
        {
            LogProbeFailed(exception, options.Topic, Partition);
            return;
        }

        if (checkpoint is null || !stallWatch.IsStalled(checkpoint.Value))
        {
            return;
        }

        LogRewinding(options.Topic, Partition, checkpoint.Value, nextOffset, options.StalledCheckpointTimeout);
        consumer!.Seek(new TopicPartitionOffset(topicPartition, new Offset(checkpoint.Value)));
        Volatile.Write(ref nextOffset, checkpoint.Value);
        stallWatch.Reset(checkpoint.Value);
    }

    /// <summary>
    /// The position lies outside the partition's log. Once the batches already read are stored (or the stall timeout passed),
    /// the checkpoint jumps to the log's start if it lies outside the log too (recorded in the store), and reading resumes there.
    /// </summary>
    private async Task RecoverFromOutOfRangeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var checkpoint = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
            if (checkpoint < nextOffset && time.GetElapsedTime(outOfRangeSince!.Value) < options.StalledCheckpointTimeout)
            {
                return;
            }

            var watermarks = await Task.Run(() => consumer!.QueryWatermarkOffsets(topicPartition, options.MetadataTimeout), cancellationToken);
            var reset = await checkpoints.ResetOutOfRangeAsync(options.Topic, Partition, watermarks.Low.Value, watermarks.High.Value, cancellationToken);
            if (reset.Changed)
            {
                LogCheckpointReset(options.Topic, Partition, reset.Previous, reset.Current, watermarks.Low.Value, watermarks.High.Value);
            }

            consumer!.Assign(new TopicPartitionOffset(topicPartition, new Offset(reset.Current)));
            Volatile.Write(ref nextOffset, reset.Current);
            stallWatch.Reset(reset.Current);
            outOfRangeSince = null;
            LogResumed(options.Topic, Partition, reset.Current);
        }
        catch (Exception exception) when (exception is KafkaException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            LogRecoveryFailed(exception, options.Topic, Partition);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] position {Offset} is outside the partition's log ({Reason}); resuming once the batches already read are stored")]
    private partial void LogOutOfRange(string topic, int partition, long offset, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Kafka {Topic}[{Partition}] checkpoint {Previous} lay outside the log [{Low}, {High}]: moved to {Current} and recorded in kafka_offset_resets")]
    private partial void LogCheckpointReset(string topic, int partition, long previous, long current, long low, long high);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] reading again from {Offset}")]
    private partial void LogResumed(string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] could not recover its position yet; retrying")]
    private partial void LogRecoveryFailed(Exception exception, string topic, int partition);

    /// <summary>
    /// The high watermark librdkafka last saw in a fetch response (no request) minus the next offset to hand out;
    /// null before the first fetch. Locked against <see cref="Shutdown(TimeSpan, CancellationToken)"/> disposing the consumer.
    /// </summary>
    private long? CurrentLag()
    {
        lock (consumerGate)
        {
            if (consumer is null)
            {
                return null;
            }

            var high = consumer.GetWatermarkOffsets(topicPartition).High;
            return high == Offset.Unset ? null : Math.Max(0, high.Value - Volatile.Read(ref nextOffset));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] had no checkpoint: pinned {StartingOffsets} = {Offset} (low {Low}, high {High})")]
    private partial void LogPinned(string topic, int partition, KafkaStartingOffsets startingOffsets, long offset, long low, long high);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] receiver started at checkpoint {Offset}")]
    private partial void LogStarted(string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] could not record {Owner} as the partition's owner; reading anyway")]
    private partial void LogClaimFailed(Exception exception, string topic, int partition, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] receiver stopped at position {Offset}")]
    private partial void LogStopped(string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka {Topic}[{Partition}] receiver could not start (broker {Brokers} or checkpoint store unreachable?); Orleans retries")]
    private partial void LogInitializeFailed(Exception exception, string topic, int partition, string brokers);

    [LoggerMessage(Level = LogLevel.Error, Message = "Kafka {Topic}[{Partition}] read failed at offset {Offset}: {Code} {Reason}")]
    private partial void LogConsumeFailed(Exception exception, string topic, int partition, long offset, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] client error {Code}: {Reason}")]
    private partial void LogKafkaError(string topic, int partition, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] connection failed: {Reason}")]
    private partial void LogKafkaTransportError(string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] librdkafka {Level}: {Message}")]
    private partial void LogKafkaLog(string topic, int partition, string level, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] could not read its checkpoint")]
    private partial void LogProbeFailed(Exception exception, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] checkpoint stuck at {Checkpoint} for {Timeout} while the receiver read up to {Position}: a batch was lost on the way; re-reading from the checkpoint")]
    private partial void LogRewinding(string topic, int partition, long checkpoint, long position, TimeSpan timeout);
}
