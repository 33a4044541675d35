using System.Globalization;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Keyed test events in the topic's format; every <c>malformedEvery</c>-th one is malformed.</summary>
public static class SampleEvents
{
    public const long BaseTimestampMs = 1701234567890;

    public static List<(string? Key, string Value)> Generate(int count, int malformedEvery = 0, int firstId = 0)
    {
        var messages = new List<(string? Key, string Value)>(count);
        for (var i = firstId; i < firstId + count; i++)
        {
            var userId = (i * 7919 % 100_000) + 1;
            var key = userId.ToString(CultureInfo.InvariantCulture);
            var value = malformedEvery > 0 && i % malformedEvery == malformedEvery - 1
                ? Malformed(i)
                : $$"""{"user_id":{{userId}},"movie_id":{{i}},"event_type":"{{EventTypes[i % EventTypes.Length]}}","timestamp":{{BaseTimestampMs + i}}}""";
            messages.Add((key, value));
        }

        return messages;
    }

    /// <summary>How many of <see cref="Generate"/>'s messages are malformed.</summary>
    public static int MalformedCount(int count, int malformedEvery, int firstId = 0) =>
        malformedEvery <= 0 ? 0 : Enumerable.Range(firstId, count).Count(i => i % malformedEvery == malformedEvery - 1);

    private static readonly string[] EventTypes = ["view", "click", "play", "pause", "rate"];

    private static string Malformed(int i) => (i / 100 % 4) switch
    {
        0 => "{\"user_id\": \"not a number\", \"movie_id\": 1, \"event_type\": \"click\", \"timestamp\": 1}",
        1 => "{\"user_id\": 1, \"movie_id\": 99999999999, \"event_type\": \"click\", \"timestamp\": 1}",
        2 => "{\"user_id\": 1, \"movie_id\": 2, \"timestamp\": 1}",
        _ => "this is not json",
    };
}
