using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansKafka.Streaming;

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
    private readonly CheckpointWatch checkpointWatch;
    private readonly KafkaReceiverMetrics metrics;
    private readonly Lock consumerGate = new();
    private readonly CancellationTokenSource stopping = new();
    private IConsumer<byte[]?, byte[]?>? consumer;
    private IDisposable? lagTracking;
    private KafkaCheckpointProgress.Tracking? progressTracking;
    private KafkaReceiverStarts.Tracking? startTracking;
    private Task? startAttempt;
    private DateTimeOffset assignedAt;
    private int startFailures;
    private long nextStartAttempt;
    private long nextOffset;
    private int logGeneration;
    private long sequenceNumber;
    private long? outOfRangeSince;
    private long? untrustedPosition;

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
        checkpointWatch = new CheckpointWatch(options.CheckpointProbeInterval, options.StalledCheckpointTimeout, options.StalledCheckpointReportAfter, time);
    }

    public int Partition => topicPartition.Partition.Value;

    /// <summary>The next offset this receiver will hand out.</summary>
    public long Position => Volatile.Read(ref nextOffset);

    /// <summary>
    /// Makes the first start attempt. It never throws: Orleans' pulling agent awaits it once and then polls
    /// <see cref="GetQueueMessagesAsync(int, CancellationToken)"/> whatever the outcome, so a failed start is retried from
    /// there, with backoff, and reported in the meantime (<see cref="KafkaReceiverMetrics.Starts"/>).
    /// </summary>
    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (startTracking is null)
        {
            assignedAt = time.GetUtcNow();
            startTracking = metrics.Starts.Track(options.Topic, Partition, assignedAt);
        }

        startAttempt = StartAsync();
        return startAttempt;
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var containers = new List<IBatchContainer>();
        IConsumer<byte[]?, byte[]?>? current;
        lock (consumerGate)
        {
            current = consumer;
        }

        if (current is null)
        {
            RetryStartIfDue();
            return containers;
        }

        if (outOfRangeSince is not null)
        {
            await RecoverFromOutOfRangeAsync(current, cancellationToken);
            return containers;
        }

        await ProbeCheckpointAsync(current, cancellationToken);

        try
        {
            ReadInto(current, containers, Math.Max(1, maxCount));
        }
        catch (Exception exception)
        {
            // Whatever failed after records were consumed (a decoder that threw), nothing of this read may be skipped: the
            // containers already built are handed out, and the consumer goes back to the first record not packed yet.
            LogReadFailed(exception, options.Topic, Partition, nextOffset);
            DistrustPosition(current);
            current.Seek(new TopicPartitionOffset(topicPartition, new Offset(nextOffset)));
        }

        return containers;
    }

    private void ReadInto(IConsumer<byte[]?, byte[]?> current, List<IBatchContainer> containers, int maxCount)
    {
        var records = new List<ConsumeResult<byte[]?, byte[]?>>();
        var drained = false;
        while (containers.Count < maxCount && !drained)
        {
            long bytes = 0;
            var newestTimestampMs = long.MinValue;
            long? skippedTo = null;
            while (records.Count < options.MaxRecordsPerBatch && bytes < options.MaxBatchBytes)
            {
                ConsumeResult<byte[]?, byte[]?>? result;
                try
                {
                    result = current.Consume(TimeSpan.Zero);
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
                    skippedTo = PositionPastUndelivered(current);
                    break;
                }

                if (!result.IsPartitionEOF)
                {
                    untrustedPosition = null;
                    records.Add(result);
                    bytes += (result.Message.Key?.Length ?? 0) + (result.Message.Value?.Length ?? 0);
                    if (result.Message.Timestamp is { Type: not TimestampType.NotAvailable } stamp)
                    {
                        newestTimestampMs = Math.Max(newestTimestampMs, stamp.UnixTimestampMs);
                    }
                }
            }

            if (records.Count == 0)
            {
                if (skippedTo > nextOffset)
                {
                    containers.Add(Pack(records, newestTimestampMs, skippedTo));
                }

                break;
            }

            containers.Add(Pack(records, newestTimestampMs, skippedTo));
            records = [];
        }
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (startAttempt is { } attempt)
        {
            await attempt.WaitAsync(timeout, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        lagTracking?.Dispose();
        lagTracking = null;
        progressTracking?.Dispose();
        progressTracking = null;
        startTracking?.Dispose();
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
    }

    /// <summary>One start attempt: never throws; a failure schedules the next attempt and is reported.</summary>
    private async Task StartAsync()
    {
        try
        {
            await ConnectAsync(stopping.Token);
            startTracking?.Started();
            startFailures = 0;
        }
        catch (Exception exception) when (!stopping.IsCancellationRequested)
        {
            startFailures++;
            var delay = StartRetryDelay(startFailures);
            Volatile.Write(ref nextStartAttempt, time.GetTimestamp() + (long)(delay.TotalSeconds * time.TimestampFrequency));
            startTracking?.Failed(exception);
            metrics.StartFailed(options.Topic, Partition);
            LogStartFailed(exception, options.Topic, Partition, options.BootstrapServers, startFailures, delay);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Shutting down: the receiver is not started, and will not be.
        }
    }

    private void RetryStartIfDue()
    {
        if (startTracking is null || stopping.IsCancellationRequested || startAttempt is { IsCompleted: false } || time.GetTimestamp() < Volatile.Read(ref nextStartAttempt))
        {
            return;
        }

        LogStartRetrying(options.Topic, Partition, startFailures + 1);
        // Off the agent's turn: a blocked checkpoint store (a locked table) must not hold the agent for a command timeout.
        startAttempt = Task.Run(StartAsync, CancellationToken.None);
    }

    private TimeSpan StartRetryDelay(int failures)
    {
        var delay = options.StartRetryMinDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        return delay < options.StartRetryMaxDelay ? delay : options.StartRetryMaxDelay;
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
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
            var topicId = await KafkaTopicId.ReadAsync(newConsumer, options.Topic, options.MetadataTimeout, logger, cancellationToken);
            var stored = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
            if (stored is not { } checkpoint)
            {
                var watermarks = await Task.Run(() => newConsumer.QueryWatermarkOffsets(topicPartition, options.MetadataTimeout), cancellationToken);
                var start = options.StartingOffsets == KafkaStartingOffsets.Earliest ? watermarks.Low.Value : watermarks.High.Value;
                checkpoint = await checkpoints.PinAsync(options.Topic, Partition, start, topicId, cancellationToken);
                LogPinned(options.Topic, Partition, options.StartingOffsets, checkpoint.NextOffset, watermarks.Low.Value, watermarks.High.Value);
            }

            var history = await checkpoints.ReadCommitHistoryAsync(cancellationToken);
            await ClaimAsync(topicId, cancellationToken);
            newConsumer.Assign(new TopicPartitionOffset(topicPartition, new Offset(checkpoint.NextOffset)));
            Volatile.Write(ref nextOffset, checkpoint.NextOffset);
            logGeneration = checkpoint.LogGeneration;
            sequenceNumber = checkpoint.NextOffset;
            checkpointWatch.Reset(checkpoint, history);
            lock (consumerGate)
            {
                cancellationToken.ThrowIfCancellationRequested();
                consumer = newConsumer;
            }

            lagTracking?.Dispose();
            lagTracking = metrics.TrackLag(options.Topic, Partition, CurrentLag);
            progressTracking?.Dispose();
            progressTracking = metrics.CheckpointProgress.Track(options.Topic, Partition, CheckpointBehind);
            LogStarted(options.Topic, Partition, checkpoint.NextOffset);
        }
        catch
        {
            newConsumer.Dispose();
            throw;
        }
    }

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    [Obsolete("Orleans calls the overload with a CancellationToken.")]
    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    /// <summary>
    /// The consumer's position once it has handed out everything fetched so far: past the control markers and (with
    /// read_committed) the aborted records that follow the last record delivered, which librdkafka consumes without
    /// handing them out. Null when unknown: nothing served since the consumer was created, or the position it had before
    /// this receiver last moved it (see <see cref="DistrustPosition"/>).
    /// </summary>
    private long? PositionPastUndelivered(IConsumer<byte[]?, byte[]?> current)
    {
        var position = ReadPosition(current);
        return position == untrustedPosition ? null : position;
    }

    /// <summary>
    /// Called before a seek or an assign: librdkafka resets the position when it handles the move, on its own thread, so
    /// until a record is read the position it reports may still be the one from before, past records not read again yet.
    /// </summary>
    private void DistrustPosition(IConsumer<byte[]?, byte[]?> current) => untrustedPosition = ReadPosition(current);

    private long? ReadPosition(IConsumer<byte[]?, byte[]?> current)
    {
        try
        {
            var position = current.Position(topicPartition);
            return position.IsSpecial ? null : position.Value;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <param name="records">The records of one contiguous range, in offset order; empty when the range holds only offsets Kafka does not deliver.</param>
    /// <param name="newestTimestampMs">The records' newest Kafka timestamp, long.MinValue when none carries one.</param>
    /// <param name="skippedTo">The consumer's position after the records when nothing more was fetched yet (see <see cref="PositionPastUndelivered"/>): the range ends there.</param>
    private KafkaBatchContainer Pack(List<ConsumeResult<byte[]?, byte[]?>> records, long newestTimestampMs, long? skippedTo)
    {
        var afterLast = records.Count > 0 ? records[^1].Offset.Value + 1 : nextOffset;
        var to = Math.Max(afterLast, skippedTo ?? afterLast);
        var first = records.Count > 0 ? records[0].Offset.Value : to;
        // Offsets may skip (transaction markers, aborted records, compaction): the range starts where the previous one
        // ended, unless the consumer was moved back, in which case it starts at the first record.
        var from = first >= nextOffset ? nextOffset : first;
        var range = new KafkaRecordRange(options.Topic, Partition, from, to, logGeneration);
        var container = new KafkaBatchContainer(streamId, new EventSequenceTokenV2(sequenceNumber), range, decoder.Decode(range, records));
        // Only a built container moves the position: a read that fails before leaves the records to be read again.
        sequenceNumber++;
        Volatile.Write(ref nextOffset, to);
        // In double seconds, not DateTimeOffset or TimeSpan: a record may carry any 64-bit timestamp, and the read path never throws.
        double? readDelaySeconds = newestTimestampMs == long.MinValue ? null : ((double)time.GetUtcNow().ToUnixTimeMilliseconds() - newestTimestampMs) / 1000;
        metrics.BatchRead(options.Topic, Partition, records.Count, readDelaySeconds);
        return container;
    }

    private async Task ClaimAsync(string? topicId, CancellationToken cancellationToken)
    {
        try
        {
            await checkpoints.ClaimAsync(options.Topic, Partition, owner, assignedAt, topicId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Ownership is for monitoring: failing to record it must not stop the partition from being read.
            LogClaimFailed(exception, options.Topic, Partition, owner);
        }
    }

    /// <summary>
    /// Every <see cref="KafkaStreamOptions.CheckpointProbeInterval"/>: reads the checkpoint and the store's commit history.
    /// A checkpoint that went back (a failover that lost commits, a restore) or one stalled for
    /// <see cref="KafkaStreamOptions.StalledCheckpointTimeout"/> (a batch lost on its way) makes the receiver read again from it.
    /// </summary>
    private async Task ProbeCheckpointAsync(IConsumer<byte[]?, byte[]?> current, CancellationToken cancellationToken)
    {
        if (!checkpointWatch.ShouldProbe(nextOffset))
        {
            return;
        }

        KafkaCheckpoint? stored;
        string? history;
        try
        {
            stored = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
            history = await checkpoints.ReadCommitHistoryAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            LogProbeFailed(exception, options.Topic, Partition);
            return;
        }

        if (stored is not { } checkpoint)
        {
            return;
        }

        var seen = checkpointWatch.Last;
        switch (checkpointWatch.Observe(checkpoint, history))
        {
            case CheckpointVerdict.WentBack:
                var why = CheckpointWatch.Compare(checkpoint, seen) < 0
                    ? $"checkpoint went back from {seen.NextOffset} (log generation {seen.LogGeneration})"
                    : "the checkpoint store's commit history changed";
                LogCheckpointWentBack(options.Topic, Partition, why, checkpoint.NextOffset, checkpoint.LogGeneration, nextOffset);
                metrics.CheckpointWentBack(options.Topic, Partition);
                ReadAgainFrom(current, checkpoint, history);
                break;
            case CheckpointVerdict.Stalled:
                LogRewinding(options.Topic, Partition, checkpoint.NextOffset, nextOffset, options.StalledCheckpointTimeout);
                ReadAgainFrom(current, checkpoint, history);
                break;
        }
    }

    private void ReadAgainFrom(IConsumer<byte[]?, byte[]?> current, KafkaCheckpoint checkpoint, string? history)
    {
        DistrustPosition(current);
        current.Seek(new TopicPartitionOffset(topicPartition, new Offset(checkpoint.NextOffset)));
        Volatile.Write(ref nextOffset, checkpoint.NextOffset);
        logGeneration = checkpoint.LogGeneration;
        checkpointWatch.Reset(checkpoint, history);
    }

    private KafkaCheckpointBehind? CheckpointBehind() =>
        checkpointWatch.IsBehind
            ? new KafkaCheckpointBehind(options.Topic, Partition, checkpointWatch.Last.NextOffset, Position, time.GetElapsedTime(checkpointWatch.LastProgress))
            : null;

    /// <summary>
    /// The position lies outside the partition's log. The checkpoint moves only when nothing of the partition is in flight
    /// (it has caught up with what was handed out): then, if it lies outside the log too, it jumps to the log's start (recorded
    /// in the store), and reading resumes at the checkpoint. Batches still in flight after <see cref="KafkaStreamOptions.StalledCheckpointTimeout"/>
    /// count as lost, as for a stalled checkpoint: the receiver reads again from the checkpoint, and only if that too lies
    /// outside the log does the next round reset it.
    /// </summary>
    private async Task RecoverFromOutOfRangeAsync(IConsumer<byte[]?, byte[]?> current, CancellationToken cancellationToken)
    {
        try
        {
            var checkpoint = await checkpoints.ReadAsync(options.Topic, Partition, cancellationToken);
            if (checkpoint is { } read && read.LogGeneration == logGeneration && read.NextOffset < nextOffset)
            {
                var stored = read.NextOffset;
                if (time.GetElapsedTime(outOfRangeSince!.Value) < options.StalledCheckpointTimeout)
                {
                    return;
                }

                LogOutOfRangeRereading(options.Topic, Partition, stored, nextOffset, options.StalledCheckpointTimeout);
                DistrustPosition(current);
                current.Assign(new TopicPartitionOffset(topicPartition, new Offset(stored)));
                Volatile.Write(ref nextOffset, stored);
                checkpointWatch.Reset(read, null);
                outOfRangeSince = null;
                return;
            }

            var watermarks = await Task.Run(() => current.QueryWatermarkOffsets(topicPartition, options.MetadataTimeout), cancellationToken);
            var topicId = await KafkaTopicId.ReadAsync(current, options.Topic, options.MetadataTimeout, logger, cancellationToken);
            var lastRecord = checkpoint is { } beyond && beyond.NextOffset > watermarks.High.Value && watermarks.High.Value > watermarks.Low.Value
                ? await Task.Run(() => ReadLastRecord(current, watermarks.High.Value - 1), cancellationToken)
                : null;
            var reset = await checkpoints.ResetOutOfRangeAsync(options.Topic, Partition, watermarks.Low.Value, watermarks.High.Value, topicId, lastRecord, cancellationToken);
            if (reset.Changed)
            {
                LogCheckpointReset(
                    options.Topic, Partition, reset.Previous.NextOffset, reset.Previous.LogGeneration, reset.Current.NextOffset, reset.Current.LogGeneration, watermarks.Low.Value, watermarks.High.Value);
            }

            DistrustPosition(current);
            current.Assign(new TopicPartitionOffset(topicPartition, new Offset(reset.Current.NextOffset)));
            Volatile.Write(ref nextOffset, reset.Current.NextOffset);
            logGeneration = reset.Current.LogGeneration;
            checkpointWatch.Reset(reset.Current, null);
            outOfRangeSince = null;
            LogResumed(options.Topic, Partition, reset.Current.NextOffset);
        }
        catch (Exception exception) when (exception is KafkaException or InvalidOperationException or System.Data.Common.DbException or TimeoutException)
        {
            LogRecoveryFailed(exception, options.Topic, Partition);
        }
    }

    /// <summary>
    /// The record at <paramref name="offset"/> (the log's last), decoded, so the checkpoint store can tell a log that lost its
    /// tail (that record is the one stored) from a new log (it is not); null when it cannot be read in time.
    /// </summary>
    private KafkaLogProbe? ReadLastRecord(IConsumer<byte[]?, byte[]?> current, long offset)
    {
        DistrustPosition(current);
        current.Assign(new TopicPartitionOffset(topicPartition, new Offset(offset)));
        var deadline = time.GetTimestamp();
        while (time.GetElapsedTime(deadline) < options.MetadataTimeout)
        {
            try
            {
                var result = current.Consume(TimeSpan.FromMilliseconds(100));
                if (result is { IsPartitionEOF: false } && result.Offset.Value == offset)
                {
                    return new KafkaLogProbe(offset, decoder.Decode(new KafkaRecordRange(options.Topic, Partition, offset, offset + 1, logGeneration), [result]));
                }
            }
            catch (ConsumeException exception)
            {
                LogProbeReadFailed(options.Topic, Partition, offset, exception.Error.Reason);
                return null;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 3031, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] could not read the log's last record at {Offset} to tell a truncated log from a new one ({Reason}); the log counts as the same")]
    private partial void LogProbeReadFailed(string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] position {Offset} is outside the partition's log ({Reason}); resuming once the batches already read are stored")]
    private partial void LogOutOfRange(string topic, int partition, long offset, string reason);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Critical, Message = "Kafka {Topic}[{Partition}] checkpoint {Previous} (log generation {PreviousGeneration}) lay outside the log [{Low}, {High}]: moved to {Current} (log generation {CurrentGeneration}) and recorded by the checkpoint store")]
    private partial void LogCheckpointReset(string topic, int partition, long previous, int previousGeneration, long current, int currentGeneration, long low, long high);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] reading again from {Offset}")]
    private partial void LogResumed(string topic, int partition, long offset);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] could not recover its position yet; retrying")]
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

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] had no checkpoint: pinned {StartingOffsets} = {Offset} (low {Low}, high {High})")]
    private partial void LogPinned(string topic, int partition, KafkaStartingOffsets startingOffsets, long offset, long low, long high);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] receiver started at checkpoint {Offset}")]
    private partial void LogStarted(string topic, int partition, long offset);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] could not record {Owner} as the partition's owner; reading anyway")]
    private partial void LogClaimFailed(Exception exception, string topic, int partition, string owner);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] receiver stopped at position {Offset}")]
    private partial void LogStopped(string topic, int partition, long offset);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "Kafka {Topic}[{Partition}] receiver could not start (broker {Brokers} or checkpoint store unreachable?), attempt {Attempt}; trying again in {Delay}")]
    private partial void LogStartFailed(Exception exception, string topic, int partition, string brokers, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3015, Level = LogLevel.Information, Message = "Kafka {Topic}[{Partition}] receiver start attempt {Attempt}")]
    private partial void LogStartRetrying(string topic, int partition, int attempt);

    [LoggerMessage(EventId = 3016, Level = LogLevel.Error, Message = "Kafka {Topic}[{Partition}] could not pack what it read; handing out the batches already built and reading again from {Offset}")]
    private partial void LogReadFailed(Exception exception, string topic, int partition, long offset);

    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] {Why} (a failover or a restore that lost commits): reading again from checkpoint {Stored} (log generation {StoredGeneration}) instead of {Position}")]
    private partial void LogCheckpointWentBack(string topic, int partition, string why, long stored, int storedGeneration, long position);

    [LoggerMessage(EventId = 3017, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] position {Position} is outside the log and the checkpoint {Checkpoint} has not caught up for {Timeout}: reading again from the checkpoint before any reset")]
    private partial void LogOutOfRangeRereading(string topic, int partition, long checkpoint, long position, TimeSpan timeout);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Kafka {Topic}[{Partition}] read failed at offset {Offset}: {Code} {Reason}")]
    private partial void LogConsumeFailed(Exception exception, string topic, int partition, long offset, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] client error {Code}: {Reason}")]
    private partial void LogKafkaError(string topic, int partition, ErrorCode code, string reason);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] connection failed: {Reason}")]
    private partial void LogKafkaTransportError(string topic, int partition, string reason);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] librdkafka {Level}: {Message}")]
    private partial void LogKafkaLog(string topic, int partition, string level, string message);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Debug, Message = "Kafka {Topic}[{Partition}] could not read its checkpoint")]
    private partial void LogProbeFailed(Exception exception, string topic, int partition);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Kafka {Topic}[{Partition}] checkpoint stuck at {Checkpoint} for {Timeout} while the receiver read up to {Position}: a batch was lost on the way; re-reading from the checkpoint")]
    private partial void LogRewinding(string topic, int partition, long checkpoint, long position, TimeSpan timeout);
}
