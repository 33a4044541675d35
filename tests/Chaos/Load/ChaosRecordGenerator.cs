using System.Text;

namespace UserEvents.Orleans.Chaos.Load;

/// <summary>
/// Makes the records a scenario produces: valid events (movie_id counts up, so every event differs), and when asked a
/// share of malformed ones, cycling through every malformed <see cref="ChaosRecordKind"/> in turn, plus valid events
/// without a key. Deterministic apart from the timestamps. Not thread-safe.
/// </summary>
public sealed class ChaosRecordGenerator(double malformedPercent)
{
    private const int HugeEventTypeBytes = 10 * 1024;

    private static readonly ChaosRecordKind[] Irregular =
    [
        ChaosRecordKind.BadJson,
        ChaosRecordKind.MissingField,
        ChaosRecordKind.WrongType,
        ChaosRecordKind.OutOfIntRange,
        ChaosRecordKind.HugeEventType,
        ChaosRecordKind.InvalidUtf8,
        ChaosRecordKind.EmptyValue,
        ChaosRecordKind.NullKeyAndValue,
        ChaosRecordKind.ValidWithNullKey,
    ];

    private static readonly string[] EventTypes = ["view", "click", "play", "pause", "rate"];

    private long sequence;
    private long irregular;

    public ChaosRecord Next()
    {
        var n = sequence++;
        var userId = (int)(n * 7919 % 100_000) + 1;
        var movieId = (int)(n % int.MaxValue);
        var eventType = EventTypes[n % EventTypes.Length];
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var key = Encoding.UTF8.GetBytes(userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Spread the irregular records evenly: record n is irregular when the running share falls behind the target.
        var isIrregular = malformedPercent > 0 && irregular * 100 < (n + 1) * malformedPercent;
        if (!isIrregular)
        {
            return new ChaosRecord(key, Json(userId, movieId, eventType, timestamp), ChaosRecordKind.Valid);
        }

        var kind = Irregular[irregular++ % Irregular.Length];
        return kind switch
        {
            ChaosRecordKind.ValidWithNullKey => new ChaosRecord(null, Json(userId, movieId, eventType, timestamp), kind),
            ChaosRecordKind.BadJson => new ChaosRecord(key, Json(userId, movieId, eventType, timestamp)[..20], kind),
            ChaosRecordKind.MissingField => new ChaosRecord(key, Utf8($$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"{{eventType}}"}"""), kind),
            ChaosRecordKind.WrongType => new ChaosRecord(key, Utf8($$"""{"user_id":"{{userId}}","movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}"""), kind),
            ChaosRecordKind.OutOfIntRange => new ChaosRecord(key, Utf8($$"""{"user_id":{{userId}},"movie_id":{{(long)int.MaxValue + 1 + movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}"""), kind),
            ChaosRecordKind.HugeEventType => new ChaosRecord(key, Json(userId, movieId, new string('x', HugeEventTypeBytes), timestamp), kind),
            ChaosRecordKind.InvalidUtf8 => new ChaosRecord(key, InvalidUtf8(userId, movieId, timestamp), kind),
            ChaosRecordKind.EmptyValue => new ChaosRecord(key, [], kind),
            _ => new ChaosRecord(null, null, ChaosRecordKind.NullKeyAndValue),
        };
    }

    private static byte[] Json(int userId, int movieId, string eventType, long timestamp) =>
        Utf8($$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}""");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>0xC3 0x28: a UTF-8 lead byte followed by a byte that cannot continue it.</summary>
    private static byte[] InvalidUtf8(int userId, int movieId, long timestamp) =>
        [.. Utf8($$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"cl"""), 0xC3, 0x28, .. Utf8($$"""ck","timestamp":{{timestamp}}}""")];
}
