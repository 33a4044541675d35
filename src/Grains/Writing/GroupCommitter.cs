using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Telemetry;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>
/// Buffers batches from many partitions and commits them together (group commit): an idle writer flushes at once, and
/// what arrives during a flush goes into the next one, with at most a fixed number of flushes at once. Each caller's task completes
/// when its batch's transaction has committed, or fails when it could not be committed (then nothing of it is stored).
/// </summary>
public sealed partial class GroupCommitter
{
    public delegate Task<BatchCommitOutcome[]> CommitFunc(IReadOnlyList<UserEventBatch> batches, CancellationToken cancellationToken);

    private readonly CommitFunc commit;
    private readonly GroupCommitOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly IngestionMetrics metrics;
    private readonly ResiliencePipeline retry;
    private readonly Lock gate = new();
    private readonly LinkedList<PendingWrite> waitingForRoom = new();
    private List<PendingWrite> buffer = [];
    private int bufferedRecords;
    private long heldRecords;
    private long heldBytes;
    private int flushesRunning;
    private bool timerArmed;

    public GroupCommitter(CommitFunc commit, GroupCommitOptions options, TimeProvider time, ILogger logger, IngestionMetrics metrics)
    {
        this.commit = commit;
        this.options = options;
        this.time = time;
        this.logger = logger;
        this.metrics = metrics;
        retry = options.RetryAttempts == 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
                    MaxRetryAttempts = options.RetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = TimeSpan.FromMilliseconds(250),
                    UseJitter = true,
                    OnRetry = args =>
                    {
                        LogRetry(args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay);
                        return default;
                    },
                })
                .Build();
    }

    /// <summary>Batches and records waiting for a flush.</summary>
    public (int Batches, int Records) Buffered
    {
        get
        {
            lock (gate)
            {
                return (buffer.Sum(w => w.Batches.Count), bufferedRecords);
            }
        }
    }

    /// <summary>Writes waiting for room in the buffer (see <see cref="GroupCommitOptions.BufferLimitRecords"/>).</summary>
    public int WaitingForRoom
    {
        get
        {
            lock (gate)
            {
                return waitingForRoom.Count;
            }
        }
    }

    /// <summary>Buffers the batch; the task completes when it is durable.</summary>
    public async Task<BatchCommitOutcome> WriteAsync(UserEventBatch batch) => (await WriteAsync([batch]))[0];

    /// <summary>
    /// Buffers the batches as one unit that is always flushed in one transaction (so consecutive batches of a partition
    /// commit in order); the task completes when they are durable, with one outcome per batch. When the buffer is full
    /// the write waits for room. Cancelling <paramref name="cancellationToken"/> (the caller gave up) takes the write out
    /// of the buffer if its flush has not started, and cancels the task; a write already in a flush completes or fails
    /// with it, never partly.
    /// </summary>
    public Task<BatchCommitOutcome[]> WriteAsync(IReadOnlyList<UserEventBatch> batches, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<BatchCommitOutcome[]>(cancellationToken);
        }

        var pending = new PendingWrite(batches);
        lock (gate)
        {
            if (waitingForRoom.Count == 0 && HasRoomFor(pending))
            {
                Admit(pending);
            }
            else
            {
                pending.Node = waitingForRoom.AddLast(pending);
                LogWaitingForRoom(pending.Records, heldRecords, heldBytes);
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            pending.Cancellation = cancellationToken.Register(() => Cancel(pending, cancellationToken));
        }

        return pending.Completion.Task;
    }

    private bool HasRoomFor(PendingWrite write) =>
        heldRecords == 0 || (heldRecords + write.Records <= options.BufferLimitRecords && heldBytes + write.Bytes <= options.BufferLimitBytes);

    private void Admit(PendingWrite pending)
    {
        pending.State = WriteState.Buffered;
        buffer.Add(pending);
        bufferedRecords += pending.Records;
        heldRecords += pending.Records;
        heldBytes += pending.Bytes;
        StartFlushes(intervalPassed: false);
        if (buffer.Count > 0 && !timerArmed)
        {
            timerArmed = true;
            _ = FlushWhenIntervalPassedAsync();
        }
    }

    private void AdmitWaiting()
    {
        while (waitingForRoom.First is { } first && HasRoomFor(first.Value))
        {
            waitingForRoom.RemoveFirst();
            first.Value.Node = null;
            Admit(first.Value);
        }
    }

    private void Cancel(PendingWrite pending, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            switch (pending.State)
            {
                case WriteState.WaitingForRoom:
                    waitingForRoom.Remove(pending.Node!);
                    pending.Node = null;
                    break;
                case WriteState.Buffered:
                    buffer.Remove(pending);
                    bufferedRecords -= pending.Records;
                    Release(pending.Records, pending.Bytes);
                    break;
                default:
                    return;
            }

            pending.State = WriteState.Cancelled;
        }

        LogCancelled(pending.Batches.Count, pending.Records);
        pending.Completion.TrySetCanceled(cancellationToken);
    }

    private void Release(int records, long bytes)
    {
        heldRecords -= records;
        heldBytes -= bytes;
        AdmitWaiting();
    }

    // An idle writer flushes at once; while a flush runs, writes gather for the next one, which starts when a flush
    // finishes, when enough records wait, or when the flush interval has passed.
    private void StartFlushes(bool intervalPassed)
    {
        while (buffer.Count > 0 && flushesRunning < options.MaxConcurrentFlushes
            && (flushesRunning == 0 || intervalPassed || bufferedRecords >= options.MaxBufferedRecords))
        {
            var taken = TakeUpTo(options.MaxBufferedRecords);
            flushesRunning++;
            _ = FlushAsync(taken);
        }
    }

    private List<PendingWrite> TakeUpTo(int maxRecords)
    {
        var records = 0;
        var count = 0;
        while (count < buffer.Count && (count == 0 || records + buffer[count].Records <= maxRecords))
        {
            records += buffer[count].Records;
            count++;
        }

        List<PendingWrite> taken;
        if (count == buffer.Count)
        {
            taken = buffer;
            buffer = [];
        }
        else
        {
            taken = buffer.GetRange(0, count);
            buffer.RemoveRange(0, count);
        }

        bufferedRecords -= records;
        foreach (var write in taken)
        {
            write.State = WriteState.Flushing;
        }

        return taken;
    }

    private async Task FlushWhenIntervalPassedAsync()
    {
        await Task.Delay(options.FlushInterval, time);
        lock (gate)
        {
            timerArmed = false;
            StartFlushes(intervalPassed: true);
            if (buffer.Count > 0)
            {
                timerArmed = true;
                _ = FlushWhenIntervalPassedAsync();
            }
        }
    }

    private async Task FlushAsync(List<PendingWrite> pending)
    {
        // Started under the gate: the commit (asynchronous, but its first statement is sent before it first awaits) runs
        // after the caller has left the lock.
        await Task.Yield();
        var batches = pending.SelectMany(p => p.Batches).ToArray();
        var started = time.GetTimestamp();
        try
        {
            var outcomes = await retry.ExecuteAsync(async token => await commit(batches, token), CancellationToken.None);
            var elapsed = time.GetElapsedTime(started);
            var committedAt = time.GetUtcNow();
            var records = pending.Sum(p => p.Records);
            LogFlushed(batches.Length, records, elapsed.TotalMilliseconds);
            metrics.FlushCommitted(records, elapsed);
            for (var i = 0; i < batches.Length; i++)
            {
                metrics.BatchStored(batches[i], outcomes[i], committedAt);
            }

            var next = 0;
            foreach (var write in pending)
            {
                write.Completion.TrySetResult(outcomes[next..(next + write.Batches.Count)]);
                next += write.Batches.Count;
            }
        }
        catch (Exception exception)
        {
            metrics.FlushFailed(time.GetElapsedTime(started));
            LogFlushFailed(exception, batches.Length, options.RetryAttempts + 1);
            foreach (var p in pending)
            {
                p.Completion.TrySetException(exception);
            }
        }
        finally
        {
            foreach (var p in pending)
            {
                p.Cancellation.Dispose();
            }

            lock (gate)
            {
                flushesRunning--;
                Release(pending.Sum(p => p.Records), pending.Sum(p => p.Bytes));
                StartFlushes(intervalPassed: false);
            }
        }
    }

    [LoggerMessage(EventId = 2020, Level = LogLevel.Debug, Message = "Committed {Batches} batches ({Records} records) in {ElapsedMs:F1} ms")]
    private partial void LogFlushed(int batches, int records, double elapsedMs);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Warning, Message = "PostgreSQL commit failed (attempt {Attempt}); retrying in {Delay}")]
    private partial void LogRetry(Exception? exception, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Debug, Message = "The writer's buffer is full ({HeldRecords} records, about {HeldBytes} bytes held); a write of {Records} records waits for a flush to make room")]
    private partial void LogWaitingForRoom(int records, long heldRecords, long heldBytes);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Information, Message = "A write of {Batches} batches ({Records} records) was dropped from the buffer before its flush: its caller gave up (it will be delivered again)")]
    private partial void LogCancelled(int batches, int records);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Error, Message = "PostgreSQL commit of {Batches} batches failed {Attempts} times; nothing of them was stored, they will be delivered again")]
    private partial void LogFlushFailed(Exception exception, int batches, int attempts);

    private enum WriteState
    {
        WaitingForRoom,
        Buffered,
        Flushing,
        Cancelled,
    }

    private sealed class PendingWrite(IReadOnlyList<UserEventBatch> batches)
    {
        public IReadOnlyList<UserEventBatch> Batches { get; } = batches;

        public int Records { get; } = batches.Sum(b => b.RecordCount);

        public long Bytes { get; } = BufferedSize.Of(batches);

        public WriteState State { get; set; } = WriteState.WaitingForRoom;

        public LinkedListNode<PendingWrite>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }

        public TaskCompletionSource<BatchCommitOutcome[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
