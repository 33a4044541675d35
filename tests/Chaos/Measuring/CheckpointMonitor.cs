using Npgsql;

namespace UserEvents.Orleans.Chaos.Measuring;

/// <summary>
/// Polls <c>kafka_checkpoints</c> of one topic every <c>interval</c> and remembers when each partition's checkpoint was
/// seen to move, and who owns it. A failed poll (PostgreSQL is down: that is the point of some scenarios) is skipped.
/// Times are when a poll returned, so at most one interval plus one query after the commit.
/// </summary>
public sealed class CheckpointMonitor : IAsyncDisposable
{
    private const string Query = "SELECT partition, next_offset, owner FROM kafka_checkpoints WHERE topic = $1";

    private readonly NpgsqlDataSource dataSource;
    private readonly string topic;
    private readonly TimeSpan interval;
    private readonly Lock gate = new();
    private readonly Dictionary<int, long> checkpoints = [];
    private readonly Dictionary<int, string?> owners = [];
    private readonly Dictionary<int, List<DateTimeOffset>> moves = [];
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    public CheckpointMonitor(NpgsqlDataSource dataSource, string topic, TimeSpan interval)
    {
        this.dataSource = dataSource;
        this.topic = topic;
        this.interval = interval;
    }

    public void Start() => loop = Task.Run(() => PollAsync(stop.Token));

    /// <summary>Every partition's checkpoint at the last successful poll.</summary>
    public IReadOnlyDictionary<int, long> Checkpoints()
    {
        lock (gate)
        {
            return new Dictionary<int, long>(checkpoints);
        }
    }

    /// <summary>Every partition's owner (<c>ip:port@generation</c>) at the last successful poll.</summary>
    public IReadOnlyDictionary<int, string?> Owners()
    {
        lock (gate)
        {
            return new Dictionary<int, string?>(owners);
        }
    }

    /// <summary>True when each of partitions 0 to <paramref name="partitions"/> - 1 was seen to move after <paramref name="since"/>.</summary>
    public bool AllMovedSince(DateTimeOffset since, int partitions)
    {
        lock (gate)
        {
            return Enumerable.Range(0, partitions).All(p => moves.TryGetValue(p, out var times) && times.Count > 0 && times[^1] > since);
        }
    }

    /// <summary>
    /// The longest time any partition went without its checkpoint moving between <paramref name="from"/> and
    /// <paramref name="until"/>; a stall under way at <paramref name="from"/> counts from <paramref name="from"/>.
    /// </summary>
    public TimeSpan LongestStall(DateTimeOffset from, DateTimeOffset until, int partitions)
    {
        lock (gate)
        {
            var longest = TimeSpan.Zero;
            foreach (var partition in Enumerable.Range(0, partitions))
            {
                var previous = from;
                var times = moves.TryGetValue(partition, out var list) ? list : [];
                foreach (var time in times.Where(t => t > from && t <= until).Append(until))
                {
                    longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (time - previous).Ticks));
                    previous = time;
                }
            }

            return longest;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await PollOnceAsync(cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // PostgreSQL is away: try again at the next tick.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var polled = new List<(int Partition, long NextOffset, string? Owner)>();
        await using (var command = dataSource.CreateCommand(Query))
        {
            command.CommandTimeout = 5;
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = topic });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                polled.Add((reader.GetInt32(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        var now = DateTimeOffset.UtcNow;
        lock (gate)
        {
            foreach (var (partition, nextOffset, owner) in polled)
            {
                if (checkpoints.TryGetValue(partition, out var previous) && previous != nextOffset)
                {
                    if (!moves.TryGetValue(partition, out var times))
                    {
                        moves[partition] = times = [];
                    }

                    times.Add(now);
                }

                checkpoints[partition] = nextOffset;
                owners[partition] = owner;
            }
        }
    }
}
