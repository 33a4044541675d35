using UserEvents.Orleans.Cli.Events;

namespace UserEvents.Orleans.Tests.Cli.Produce;

[Trait("Category", "Unit")]
public sealed class SampleEventGeneratorTests
{
    private static readonly string[] KnownEventTypes = [.. EventTypeCatalog.Weighted.Select(entry => entry.Type)];

    [Fact]
    public void Valid_events_have_the_four_fields_a_millisecond_timestamp_and_the_user_id_as_key()
    {
        var generator = new SampleEventGenerator(seed: 1);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = Enumerable.Range(0, 5_000).Select(_ => generator.Next()).ToList();
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.All(events, sampleEvent =>
        {
            Assert.Equal(SampleEventKind.Valid, sampleEvent.Kind);
            var parsed = StrictUserEvent.TryParse(sampleEvent.Value);
            Assert.NotNull(parsed);
            Assert.InRange(parsed.UserId, 1, SampleEventGenerator.MaxUserId);
            Assert.InRange(parsed.MovieId, 1, SampleEventGenerator.MaxMovieId);
            Assert.Contains(parsed.EventType, KnownEventTypes);
            Assert.InRange(parsed.Timestamp, before, after);
            Assert.Equal(parsed.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), sampleEvent.Key);
        });
    }

    [Fact]
    public void The_json_has_exactly_the_documented_shape()
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_701_234_567_890);
        var value = System.Text.Encoding.UTF8.GetString(new SampleEventGenerator(7, 0, new FixedTimeProvider(now)).Next().Value);

        Assert.Matches("""^\{"user_id":\d+,"movie_id":\d+,"event_type":"[a-z_]+","timestamp":1701234567890\}$""", value);
    }

    [Fact]
    public void Malformed_values_of_every_kind_fail_the_strict_contract()
    {
        var generator = new SampleEventGenerator(seed: 2, malformedPercent: 100);
        var events = Enumerable.Range(0, 3_000).Select(_ => generator.Next()).ToList();

        Assert.All(events, sampleEvent => Assert.Null(StrictUserEvent.TryParse(sampleEvent.Value)));
        Assert.Equal(
            Enum.GetValues<SampleEventKind>().Where(kind => kind != SampleEventKind.Valid).Order(),
            events.Select(sampleEvent => sampleEvent.Kind).Distinct().Order());
        Assert.All(events.Where(sampleEvent => sampleEvent.Kind == SampleEventKind.EmptyValue), sampleEvent => Assert.Empty(sampleEvent.Value));
        Assert.All(
            events.Where(sampleEvent => sampleEvent.Kind == SampleEventKind.TooLongEventType),
            sampleEvent => Assert.True(System.Text.Json.JsonDocument.Parse(sampleEvent.Value).RootElement.GetProperty("event_type").GetString()!.Length > 50));
        Assert.All(events, sampleEvent => Assert.Matches("^-?[0-9]+$", sampleEvent.Key));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.5)]
    [InlineData(10.0)]
    [InlineData(50.0)]
    public void The_share_of_malformed_values_follows_the_percentage(double percent)
    {
        const int Count = 20_000;
        var generator = new SampleEventGenerator(seed: 3, malformedPercent: percent);
        var events = Enumerable.Range(0, Count).Select(_ => generator.Next()).ToList();

        var malformedPercent = 100.0 * events.Count(sampleEvent => sampleEvent.IsMalformed) / Count;
        Assert.InRange(malformedPercent, percent * 0.9 - 0.1, (percent * 1.1) + 0.1);
        Assert.All(events, sampleEvent => Assert.Equal(sampleEvent.IsMalformed, StrictUserEvent.TryParse(sampleEvent.Value) is null));
    }

    [Fact]
    public void The_same_seed_gives_the_same_sequence_and_another_seed_another_one()
    {
        var clock = new FixedTimeProvider(DateTimeOffset.UtcNow);
        static List<(string, string, SampleEventKind)> Take(SampleEventGenerator generator) =>
            [.. Enumerable.Range(0, 2_000).Select(_ => generator.Next()).Select(e => (e.Key, Convert.ToBase64String(e.Value), e.Kind))];

        var first = Take(new SampleEventGenerator(42, 5, clock));
        var again = Take(new SampleEventGenerator(42, 5, clock));
        var other = Take(new SampleEventGenerator(43, 5, clock));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Ids_are_skewed_towards_popular_users_and_movies_and_event_types_follow_their_weights()
    {
        const int Count = 50_000;
        var generator = new SampleEventGenerator(seed: 4);
        var events = Enumerable.Range(0, Count).Select(_ => StrictUserEvent.TryParse(generator.Next().Value)!).ToList();

        // Uniform ids would give the top 1% of users or movies 1% of the events.
        Assert.InRange(events.Count(e => e.UserId <= SampleEventGenerator.MaxUserId / 100) / (double)Count, 0.07, 0.13);
        Assert.InRange(events.Count(e => e.MovieId <= SampleEventGenerator.MaxMovieId / 100) / (double)Count, 0.18, 0.25);
        Assert.True(events.Select(e => e.UserId).Distinct().Count() > 20_000, "user ids should still cover a wide range");

        var byType = events.GroupBy(e => e.EventType).ToDictionary(group => group.Key, group => group.Count() / (double)Count);
        Assert.All(
            EventTypeCatalog.Weighted,
            entry => Assert.InRange(byType[entry.Type], (entry.Weight / 100.0) - 0.01, (entry.Weight / 100.0) + 0.01));
    }
}
