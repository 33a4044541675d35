using System.Diagnostics;
using Npgsql;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// Polls <c>kafka_checkpoints</c> of one topic every <c>interval</c> and remembers every change: when the sum of the
/// checkpoints (events committed) reached a value, and when each partition's checkpoint was first seen past an offset.
/// An observation time is when the poll returned, so it is at most one interval plus one query after the commit.
/// </summary>
public sealed class CheckpointWatcher : IAsyncDisposable
{
    private const string Query = "SELECT partition, next_offset FROM kafka_checkpoints WHERE topic = $1";

    private readonly NpgsqlDataSource dataSource;
    private readonly string topic;
    private readonly TimeSpan interval;
    private readonly Lock gate = new();
    private readonly Dictionary<int, List<Observation>> partitions = [];
    private readonly List<SumObservation> sums = [];
    private readonly CancellationTokenSource stop = new();
    private Task? loop;
    private Exception? failure;

    public CheckpointWatcher(NpgsqlDataSource dataSource, string topic, TimeSpan interval)
    {
        this.dataSource = dataSource;
        this.topic = topic;
        this.interval = interval;
    }

    /// <summary>Sum of the checkpoints at the last poll: events committed when every partition started at 0.</summary>
    public long Sum
    {
        get
        {
            lock (gate)
            {
                ThrowIfFailed();
                return sums.Count == 0 ? 0 : sums[^1].Sum;
            }
        }
    }

    /// <summary>Partitions that have a checkpoint row (a receiver pins it before its first read).</summary>
    public int PinnedPartitions
    {
        get
        {
            lock (gate)
            {
                ThrowIfFailed();
                return partitions.Count;
            }
        }
    }

    public void Start() => loop = Task.Run(() => PollAsync(stop.Token));

    /// <summary>Stopwatch timestamp of the first poll that saw the sum at or above <paramref name="target"/>, or null.</summary>
    public long? TimestampWhenSumReached(long target)
    {
        lock (gate)
        {
            var index = sums.FindIndex(s => s.Sum >= target);
            return index < 0 ? null : sums[index].Timestamp;
        }
    }

    /// <summary>The sum as seen by the last poll at or before Stopwatch timestamp <paramref name="timestamp"/>.</summary>
    public long SumAt(long timestamp)
    {
        lock (gate)
        {
            var index = sums.FindLastIndex(s => s.Timestamp <= timestamp);
            return index < 0 ? 0 : sums[index].Sum;
        }
    }

    /// <summary>Current checkpoint of every partition.</summary>
    public IReadOnlyDictionary<int, long> Checkpoints()
    {
        lock (gate)
        {
            return partitions.ToDictionary(p => p.Key, p => p.Value[^1].NextOffset);
        }
    }

    /// <summary>When the checkpoint of <paramref name="partition"/> was first seen beyond <paramref name="offset"/> (the row was committed), or null.</summary>
    public DateTimeOffset? VisibleAt(int partition, long offset)
    {
        lock (gate)
        {
            if (!partitions.TryGetValue(partition, out var observations))
            {
                return null;
            }

            int low = 0, high = observations.Count - 1;
            int? found = null;
            while (low <= high)
            {
                var middle = (low + high) / 2;
                if (observations[middle].NextOffset > offset)
                {
                    found = middle;
                    high = middle - 1;
                }
                else
                {
                    low = middle + 1;
                }
            }

            return found is { } index ? observations[index].ObservedAt : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (loop is not null)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        stop.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
        await command.PrepareAsync(cancellationToken);
        try
        {
            do
            {
                var polled = new List<(int Partition, long NextOffset)>();
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        polled.Add((reader.GetInt32(0), reader.GetInt64(1)));
                    }
                }

                Record(polled, DateTimeOffset.UtcNow, Stopwatch.GetTimestamp());
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            lock (gate)
            {
                failure = exception;
            }
        }
    }

    private void Record(List<(int Partition, long NextOffset)> polled, DateTimeOffset observedAt, long timestamp)
    {
        lock (gate)
        {
            foreach (var (partition, nextOffset) in polled)
            {
                if (!partitions.TryGetValue(partition, out var observations))
                {
                    partitions[partition] = observations = [];
                }

                if (observations.Count == 0 || observations[^1].NextOffset != nextOffset)
                {
                    observations.Add(new Observation(nextOffset, observedAt));
                }
            }

            var sum = polled.Sum(p => p.NextOffset);
            if (sums.Count == 0 || sums[^1].Sum != sum)
            {
                sums.Add(new SumObservation(sum, timestamp));
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (failure is not null)
        {
            throw new InvalidOperationException("polling kafka_checkpoints failed: " + failure.Message, failure);
        }
    }

    private readonly record struct Observation(long NextOffset, DateTimeOffset ObservedAt);

    private readonly record struct SumObservation(long Sum, long Timestamp);
}
