using System.Text.Json;

namespace UserEvents.Orleans.Tests.Cli.Produce;

/// <summary>
/// The contract of a Kafka user event, checked strictly: an object with exactly user_id and movie_id
/// (32-bit integers), event_type (a string of 1 to 50 characters) and timestamp (epoch milliseconds).
/// </summary>
public sealed record StrictUserEvent(int UserId, int MovieId, string EventType, long Timestamp)
{
    public static StrictUserEvent? TryParse(byte[] utf8Json)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8Json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 4)
            {
                return null;
            }

            return root.TryGetProperty("user_id", out var userId) && userId.ValueKind == JsonValueKind.Number && userId.TryGetInt32(out var user)
                && root.TryGetProperty("movie_id", out var movieId) && movieId.ValueKind == JsonValueKind.Number && movieId.TryGetInt32(out var movie)
                && root.TryGetProperty("event_type", out var eventType) && eventType.ValueKind == JsonValueKind.String
                && eventType.GetString() is { Length: > 0 and <= 50 } type
                && root.TryGetProperty("timestamp", out var timestamp) && timestamp.ValueKind == JsonValueKind.Number && timestamp.TryGetInt64(out var milliseconds)
                    ? new StrictUserEvent(user, movie, type, milliseconds)
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
