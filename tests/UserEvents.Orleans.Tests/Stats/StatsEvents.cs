using System.Globalization;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// Keyed events for the stats tests: 40 users, a few busy movies, event times in the last 10 minutes (so time windows
/// find them), every <c>malformedEvery</c>-th record malformed.
/// </summary>
public static class StatsEvents
{
    private static readonly string[] EventTypes = ["view", "click", "play", "pause", "rate"];

    public static List<(string? Key, string Value)> Generate(int count, int malformedEvery, DateTimeOffset now)
    {
        var messages = new List<(string? Key, string Value)>(count);
        for (var i = 0; i < count; i++)
        {
            var userId = 1 + (i % 40);
            var movieId = i % 3 == 0 ? 7 : 100 + (i % 23);
            var timestamp = now.AddSeconds(-(i % 600)).ToUnixTimeMilliseconds();
            var value = i % malformedEvery == malformedEvery - 1
                ? "{\"user_id\": \"not a number\"}"
                : $$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"{{EventTypes[i % EventTypes.Length]}}","timestamp":{{timestamp}}}""";
            messages.Add((userId.ToString(CultureInfo.InvariantCulture), value));
        }

        return messages;
    }
}
