using Npgsql;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Tests.Infrastructure;
using static UserEvents.Orleans.Tests.Postgres.CommitPlanTests;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// A commit must not hold a thread-pool thread while it waits for PostgreSQL. A synchronous read on a pooled connection
/// whose socket async code has used is woken by a thread-pool work item; when blocked commits hold every worker, that
/// item waits for the pool's starvation check (every 500 ms) to add a thread. The silo stalled for 0.5-1 s every few
/// seconds that way at half load (docs/BENCHMARKS.md, "The half-load tail").
/// </summary>
[Collection(nameof(ThreadPoolLimitCollection))]
public sealed class CommitsOnABusyThreadPoolTests : IAsyncLifetime
{
    private static readonly int Workers = Math.Max(2, Environment.ProcessorCount);
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("busypool");
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Commits_finish_when_they_are_as_many_as_the_thread_pool_workers()
    {
        var committer = Committers.Create(dataSource);
        var checkpoints = new PostgresCheckpointStore(dataSource);
        var partitions = Enumerable.Range(0, Workers).ToArray();
        foreach (var partition in partitions)
        {
            await checkpoints.PinAsync("t", partition, 0, null, default);
        }

        await OpenPooledConnectionsAsynchronouslyAsync(Workers);

        var finished = await OnOwnThread(() =>
        {
            // As many workers as there are commits, beside those the test host keeps busy (its message loop, the runner's wait).
            Thread.Sleep(200);
            ThreadPool.GetMaxThreads(out var maxWorkers, out var maxIo);
            ThreadPool.GetAvailableThreads(out var availableWorkers, out _);
            var busy = maxWorkers - availableWorkers;
            Assert.True(ThreadPool.SetMaxThreads(Math.Max(Environment.ProcessorCount, busy + Workers), maxIo));
            try
            {
                var commits = partitions.Select(p => committer.CommitAsync([Batch(p, 0, 100)], default)).ToArray();
                return Task.WaitAll(commits, TimeSpan.FromSeconds(20));
            }
            finally
            {
                ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            }
        });

        Assert.True(finished, $"{Workers} commits did not finish in 20 s with {Workers} thread-pool workers");
        Assert.Equal(100L * Workers, await PostgresServer.ScalarAsync<long>(connectionString, "SELECT count(*) FROM user_events"));
    }

    // The silo's readers (stats, checkpoints) open connections asynchronously; the committer gets them from the same pool.
    private async Task OpenPooledConnectionsAsynchronouslyAsync(int count)
    {
        var connections = new List<NpgsqlConnection>();
        for (var i = 0; i < count; i++)
        {
            connections.Add(await dataSource.OpenConnectionAsync());
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }
    }

    // The wait runs on a thread of its own, so that it takes no worker from the limited pool and ends even when the pool is stuck.
    private static Task<bool> OnOwnThread(Func<bool> wait)
    {
        var result = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                result.SetResult(wait());
            }
            catch (Exception exception)
            {
                result.SetException(exception);
            }
        })
        { IsBackground = true, Name = "busy-pool-test" };
        thread.Start();
        return result.Task;
    }
}

/// <summary>Tests that limit the process's thread pool run alone.</summary>
[CollectionDefinition(nameof(ThreadPoolLimitCollection), DisableParallelization = true)]
public sealed class ThreadPoolLimitCollection;
