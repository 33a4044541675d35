using Orleans.Core.Internal;
using Orleans.TestingHost;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Support;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>The stats grains in an Orleans TestCluster that ingests known events from our local Kafka into PostgreSQL.</summary>
[Collection(nameof(EndToEnd.ProcessTests))]
public sealed class StatsGrainTests(StatsClusterFixture fixture) : IClassFixture<StatsClusterFixture>
{
    private string Topic => fixture.Topic;
    private readonly string database = fixture.Database;
    private readonly TestCluster cluster = fixture.Cluster;

    [Fact]
    public async Task Every_figure_of_the_stats_grains_equals_what_SQL_reads_from_the_tables()
    {
        var stats = await cluster.Client.GetGrain<IIngestionStatsGrain>(0).GetAsync();

        Assert.Equal(await ExpectedStats.StoredAsync(database), stats.EventsStored);
        Assert.Equal(StatsClusterFixture.Produced / StatsClusterFixture.MalformedEvery, stats.EventsRejected);
        Assert.Equal(await ExpectedStats.RejectedAsync(database), stats.EventsRejected);
        Assert.Equal(await ExpectedStats.ByEventTypeAsync(database), stats.ByEventType.ToDictionary(t => t.EventType, t => t.Count));
        Assert.Equal(stats.ByEventType.OrderByDescending(t => t.Count).Select(t => t.Count), stats.ByEventType.Select(t => t.Count));
        Assert.Equal(await ExpectedStats.RateAsync(database, stats.GeneratedAt, 1), stats.EventsPerSecond1m);
        Assert.Equal(await ExpectedStats.RateAsync(database, stats.GeneratedAt, 5), stats.EventsPerSecond5m);
        Assert.True(stats.EventsPerSecond5m > 0);

        var watermarks = await Kcat.WatermarksAsync(fixture.Kafka.BootstrapServers, Topic);
        var owner = cluster.Primary!.SiloAddress.ToParsableString();
        Assert.Equal(watermarks.Select(w => w.Partition), stats.Partitions.Select(p => p.Partition));
        Assert.All(stats.Partitions, p =>
        {
            Assert.Equal(Topic, p.Topic);
            Assert.Equal(owner, p.Owner);
            Assert.Equal(watermarks[p.Partition].High, p.HighWatermark);
            Assert.Equal(p.HighWatermark, p.Checkpoint);
            Assert.Equal(0, p.Lag);
            Assert.NotNull(p.LastCommitAt);
        });

        foreach (var userId in new[] { 1, 17, 40 })
        {
            var user = await cluster.Client.GetGrain<IUserStatsGrain>(userId).GetAsync(5);
            Assert.Equal(userId, user.UserId);
            Assert.Equal(await ExpectedStats.UserByEventTypeAsync(database, userId), user.ByEventType.ToDictionary(t => t.EventType, t => t.Count));
            var (first, last) = await ExpectedStats.UserSeenAsync(database, userId);
            Assert.Equal(first, user.FirstSeen);
            Assert.Equal(last, user.LastSeen);
            Assert.Equal(await ExpectedStats.LatestAsync(database, "user_id", userId, 5), user.Latest.Select(e => (e.KafkaPartition, e.KafkaOffset)).ToList());
            Assert.All(user.Latest, e => Assert.Equal(userId, e.UserId));
        }

        var movie = await cluster.Client.GetGrain<IMovieStatsGrain>(7).GetAsync(3);
        Assert.Equal(await ExpectedStats.MovieByEventTypeAsync(database, 7), movie.ByEventType.ToDictionary(t => t.EventType, t => t.Count));
        Assert.Equal(await ExpectedStats.MovieDistinctUsersAsync(database, 7), movie.DistinctUsers);
        Assert.Equal(await ExpectedStats.LatestAsync(database, "movie_id", 7, 3), movie.Latest.Select(e => (e.KafkaPartition, e.KafkaOffset)).ToList());

        var top = await cluster.Client.GetGrain<ITopMoviesGrain>(0).GetAsync(TimeSpan.FromMinutes(60), 5);
        Assert.Equal(await ExpectedStats.TopAsync(database, 60, 5), top.Select(m => (m.MovieId, m.Events)).ToList());
        Assert.Equal(7, top[0].MovieId);
    }

    [Fact]
    public async Task An_unknown_user_has_no_events_and_an_out_of_range_argument_is_refused()
    {
        var nobody = await cluster.Client.GetGrain<IUserStatsGrain>(987_654).GetAsync(10);

        Assert.Empty(nobody.ByEventType);
        Assert.Null(nobody.FirstSeen);
        Assert.Empty(nobody.Latest);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cluster.Client.GetGrain<IUserStatsGrain>(1).GetAsync(0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cluster.Client.GetGrain<IUserStatsGrain>(1L + int.MaxValue).GetAsync(1));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => cluster.Client.GetGrain<ITopMoviesGrain>(0).GetAsync(TimeSpan.FromSeconds(10), 5));
    }

    [Fact]
    public async Task A_stats_grain_activated_anew_reads_the_same_figures_from_the_tables()
    {
        var grain = cluster.Client.GetGrain<IIngestionStatsGrain>(0);
        var before = await grain.GetAsync();

        await grain.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var after = await Eventually.Matches(grain.GetAsync, s => s.GeneratedAt > before.GeneratedAt, "a newly read snapshot");

        Assert.Equal(before.EventsStored, after.EventsStored);
        Assert.Equal(before.EventsRejected, after.EventsRejected);
        Assert.Equal(before.ByEventType, after.ByEventType);
        Assert.Equal(before.Partitions, after.Partitions);
    }
}
