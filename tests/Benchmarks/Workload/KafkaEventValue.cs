using System.Text.Json.Serialization;

namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>The JSON value of a Kafka record of user-events, as the plain peers decode it (System.Text.Json).</summary>
public sealed record KafkaEventValue(
    [property: JsonPropertyName("user_id")] int UserId,
    [property: JsonPropertyName("movie_id")] int MovieId,
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("timestamp")] long Timestamp)
{
    public DateTimeOffset EventTime => DateTimeOffset.FromUnixTimeMilliseconds(Timestamp);

    public static KafkaEventValue Parse(ReadOnlySpan<byte> json) =>
        System.Text.Json.JsonSerializer.Deserialize(json, KafkaEventValueJsonContext.Default.KafkaEventValue)
        ?? throw new FormatException("null event");
}

[JsonSerializable(typeof(KafkaEventValue))]
internal sealed partial class KafkaEventValueJsonContext : JsonSerializerContext;
