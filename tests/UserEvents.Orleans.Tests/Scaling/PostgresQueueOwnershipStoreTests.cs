using Npgsql;
using UserEvents.Orleans.Postgres.Leases;
using OrleansKafka.Streaming.Balancing;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Scaling;

/// <summary>The shared queue ownership against real PostgreSQL (table kafka_queue_owners of sql/0015).</summary>
public sealed class PostgresQueueOwnershipStoreTests : IAsyncLifetime
{
    private NpgsqlDataSource dataSource = null!;
    private PostgresQueueOwnershipStore store = null!;

    public async Task InitializeAsync()
    {
        dataSource = NpgsqlDataSource.Create(await PostgresServer.CreateMigratedDatabaseAsync("owners"));
        store = new PostgresQueueOwnershipStore(dataSource);
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task A_scope_without_rows_reads_as_none_and_a_decision_is_stored_and_read_back()
    {
        QueueOwnership? seen = null;
        var written = await store.UpdateAsync("c/p", stored =>
        {
            seen = stored;
            return new QueueOwnership(new Dictionary<int, string> { [0] = "a", [1] = "b" }, 7);
        }, CancellationToken.None);

        var read = await store.UpdateAsync("c/p", _ => null, CancellationToken.None);

        Assert.Same(QueueOwnership.None, seen);
        Assert.Equal(7, read.MembershipVersion);
        Assert.Equal(written.Owners, read.Owners);
        Assert.Empty((await store.UpdateAsync("c/other", _ => null, CancellationToken.None)).Owners);
    }

    [Fact]
    public async Task Concurrent_updates_of_one_scope_each_see_the_previous_ones_result()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => store.UpdateAsync("c/p", stored =>
            new QueueOwnership(new Dictionary<int, string> { [0] = "a" }, stored.MembershipVersion + 1), CancellationToken.None))));

        var read = await store.UpdateAsync("c/p", _ => null, CancellationToken.None);

        Assert.Equal(19, read.MembershipVersion);
    }

    [Fact]
    public async Task A_failed_decision_changes_nothing()
    {
        await store.UpdateAsync("c/p", _ => new QueueOwnership(new Dictionary<int, string> { [0] = "a" }, 1), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateAsync("c/p", _ => throw new InvalidOperationException("boom"), CancellationToken.None));

        var read = await store.UpdateAsync("c/p", _ => null, CancellationToken.None);
        Assert.Equal("a", read.Owners[0]);
        Assert.Equal(1, read.MembershipVersion);
    }
}
