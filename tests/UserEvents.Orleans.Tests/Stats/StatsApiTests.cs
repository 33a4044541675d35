using System.Globalization;
using System.Net;
using System.Text.Json;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>The JSON stats API of a real silo process: the documented shapes, with the numbers SQL reads from the tables.</summary>
[Collection(nameof(StatsSiloCollection))]
public sealed class StatsApiTests(StatsSiloFixture fixture) : IDisposable
{
    private static readonly string[] PartitionFields = ["topic", "partition", "owner", "checkpoint", "highWatermark", "lag", "lastCommitAt"];
    private static readonly string[] StoredEventFields = ["userId", "movieId", "eventType", "eventTimestamp", "kafkaPartition", "kafkaOffset"];
    private readonly HttpClient http = new() { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Silo.HttpPort}") };
    private readonly string database = fixture.Database;

    [Fact]
    public async Task Stats_has_the_counts_rates_event_types_and_partitions_of_the_tables()
    {
        using var json = await GetJsonAsync("/api/stats");
        var stats = json.RootElement;

        AssertFields(stats, "eventsStored", "eventsRejected", "eventsPerSecond1m", "eventsPerSecond5m", "byEventType", "partitions", "generatedAt");
        Assert.Equal(await ExpectedStats.StoredAsync(database), stats.GetProperty("eventsStored").GetInt64());
        Assert.Equal(StatsSiloFixture.Produced / StatsSiloFixture.MalformedEvery, stats.GetProperty("eventsRejected").GetInt64());
        var generatedAt = DateTimeOffset.Parse(stats.GetProperty("generatedAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(await ExpectedStats.RateAsync(database, generatedAt, 1), stats.GetProperty("eventsPerSecond1m").GetDouble());
        Assert.Equal(await ExpectedStats.RateAsync(database, generatedAt, 5), stats.GetProperty("eventsPerSecond5m").GetDouble());
        Assert.Equal(await ExpectedStats.ByEventTypeAsync(database), EventTypeCounts(stats.GetProperty("byEventType")));
        await AssertPartitionsAsync(stats.GetProperty("partitions"));
    }

    [Fact]
    public async Task Partitions_lists_each_partition_with_its_owner_checkpoint_high_watermark_and_lag()
    {
        using var json = await GetJsonAsync("/api/partitions");

        await AssertPartitionsAsync(json.RootElement);
    }

    [Fact]
    public async Task A_user_has_the_counts_times_and_newest_events_of_the_tables()
    {
        const int UserId = 17;

        using var json = await GetJsonAsync($"/api/users/{UserId}?latest=4");
        var user = json.RootElement;

        AssertFields(user, "userId", "byEventType", "firstSeen", "lastSeen", "latest");
        Assert.Equal(UserId, user.GetProperty("userId").GetInt32());
        Assert.Equal(await ExpectedStats.UserByEventTypeAsync(database, UserId), EventTypeCounts(user.GetProperty("byEventType")));
        var (first, last) = await ExpectedStats.UserSeenAsync(database, UserId);
        Assert.Equal(first, user.GetProperty("firstSeen").GetDateTimeOffset());
        Assert.Equal(last, user.GetProperty("lastSeen").GetDateTimeOffset());
        Assert.Equal(await ExpectedStats.LatestAsync(database, "user_id", UserId, 4), Positions(user.GetProperty("latest")));
        Assert.All(user.GetProperty("latest").EnumerateArray(), e => AssertFields(e, StoredEventFields));
    }

    [Fact]
    public async Task A_movie_has_the_counts_distinct_users_and_newest_events_of_the_tables()
    {
        const int MovieId = 7;

        using var json = await GetJsonAsync($"/api/movies/{MovieId}");
        var movie = json.RootElement;

        AssertFields(movie, "movieId", "byEventType", "distinctUsers", "latest");
        Assert.Equal(await ExpectedStats.MovieByEventTypeAsync(database, MovieId), EventTypeCounts(movie.GetProperty("byEventType")));
        Assert.Equal(await ExpectedStats.MovieDistinctUsersAsync(database, MovieId), movie.GetProperty("distinctUsers").GetInt64());
        Assert.Equal(await ExpectedStats.LatestAsync(database, "movie_id", MovieId, 20), Positions(movie.GetProperty("latest")));
    }

    [Fact]
    public async Task Top_lists_the_busiest_movies_of_the_window_and_refuses_a_window_out_of_range()
    {
        using var json = await GetJsonAsync("/api/top?minutes=60&count=3");

        Assert.All(json.RootElement.EnumerateArray(), m => AssertFields(m, "movieId", "events"));
        Assert.Equal(
            await ExpectedStats.TopAsync(database, 60, 3),
            json.RootElement.EnumerateArray().Select(m => (m.GetProperty("movieId").GetInt32(), m.GetProperty("events").GetInt64())).ToList());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("/api/top?minutes=0", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/users/not-a-number", UriKind.Relative))).StatusCode);
    }

    public void Dispose() => http.Dispose();

    private async Task AssertPartitionsAsync(JsonElement partitions)
    {
        var watermarks = await Kcat.WatermarksAsync(fixture.Kafka.BootstrapServers, fixture.Topic);
        var siloPort = fixture.Environment["ORLEANS_SILO_PORT"];
        Assert.Equal(watermarks.Select(w => w.Partition), partitions.EnumerateArray().Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions.EnumerateArray(), p =>
        {
            AssertFields(p, PartitionFields);
            Assert.Equal(fixture.Topic, p.GetProperty("topic").GetString());
            Assert.StartsWith($"127.0.0.1:{siloPort}@", p.GetProperty("owner").GetString(), StringComparison.Ordinal);
            var high = watermarks[p.GetProperty("partition").GetInt32()].High;
            Assert.Equal(high, p.GetProperty("highWatermark").GetInt64());
            Assert.Equal(high, p.GetProperty("checkpoint").GetInt64());
            Assert.Equal(0, p.GetProperty("lag").GetInt64());
            Assert.True(p.GetProperty("lastCommitAt").TryGetDateTimeOffset(out _));
        });
    }

    private async Task<JsonDocument> GetJsonAsync(string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static void AssertFields(JsonElement element, params string[] names) =>
        Assert.Equal(names.Order(StringComparer.Ordinal), element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

    private static Dictionary<string, long> EventTypeCounts(JsonElement counts)
    {
        Assert.All(counts.EnumerateArray(), c => AssertFields(c, "eventType", "count"));
        return counts.EnumerateArray().ToDictionary(c => c.GetProperty("eventType").GetString()!, c => c.GetProperty("count").GetInt64());
    }

    private static List<(int Partition, long Offset)> Positions(JsonElement events) =>
        events.EnumerateArray().Select(e => (e.GetProperty("kafkaPartition").GetInt32(), e.GetProperty("kafkaOffset").GetInt64())).ToList();
}
