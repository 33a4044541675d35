using Npgsql;

namespace UserEvents.Orleans.Chaos.Rebalancing;

/// <summary>
/// Polls, every <c>interval</c> in one round trip, a cluster's membership rows, a topic's checkpoints and the balancer's
/// assignment, and keeps every snapshot. A failed poll is skipped. Times are when a poll returned (harness clock, the
/// same machine as PostgreSQL), so a change is seen at most one interval plus one query after it happened.
/// </summary>
public sealed class ClusterPoller : IAsyncDisposable
{
    private const string MembersQuery = "SELECT port, generation, status FROM orleans_membership WHERE deploymentid = $1";
    private const string CheckpointsQuery = "SELECT partition, next_offset, owner, owner_since, updated_at FROM kafka_checkpoints WHERE topic = $1";
    private const string QueueOwnersQuery = "SELECT queue, owner, updated_at FROM kafka_queue_owners";

    private readonly NpgsqlDataSource dataSource;
    private readonly string clusterId;
    private readonly string topic;
    private readonly TimeSpan interval;
    private readonly Lock gate = new();
    private readonly List<ClusterSnapshot> snapshots = [];
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;

    public ClusterPoller(NpgsqlDataSource dataSource, string clusterId, string topic, TimeSpan interval)
    {
        this.dataSource = dataSource;
        this.clusterId = clusterId;
        this.topic = topic;
        this.interval = interval;
    }

    public void Start() => loop = Task.Run(() => PollAsync(stop.Token));

    public ClusterSnapshot? Latest()
    {
        lock (gate)
        {
            return snapshots.Count == 0 ? null : snapshots[^1];
        }
    }

    /// <summary>Every snapshot taken after <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<ClusterSnapshot> Since(DateTimeOffset since)
    {
        lock (gate)
        {
            return [.. snapshots.Where(s => s.At > since)];
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
                    var snapshot = await PollOnceAsync(cancellationToken);
                    lock (gate)
                    {
                        snapshots.Add(snapshot);
                    }
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Try again at the next tick.
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<ClusterSnapshot> PollOnceAsync(CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.Timeout = 5;
        batch.BatchCommands.Add(new NpgsqlBatchCommand(MembersQuery) { Parameters = { new NpgsqlParameter<string> { TypedValue = clusterId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(CheckpointsQuery) { Parameters = { new NpgsqlParameter<string> { TypedValue = topic } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(QueueOwnersQuery));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var members = new List<MemberRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            members.Add(new MemberRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        await reader.NextResultAsync(cancellationToken);
        var checkpoints = new Dictionary<int, CheckpointRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            checkpoints[reader.GetInt32(0)] = new CheckpointRow(
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4));
        }

        await reader.NextResultAsync(cancellationToken);
        var queueOwners = new Dictionary<int, QueueOwnerRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            queueOwners[reader.GetInt32(0)] = new QueueOwnerRow(reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        return new ClusterSnapshot(DateTimeOffset.UtcNow, members, checkpoints, queueOwners);
    }
}
