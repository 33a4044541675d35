using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace UserEvents.Orleans.Cli.Events;

/// <summary>
/// Makes realistic user events for the Kafka topic: skewed user and movie ids (a few users and titles are
/// far more active than the rest), weighted event types, the current time in epoch milliseconds, and on
/// request a share of malformed values of every <see cref="SampleEventKind"/>. The same seed gives the
/// same sequence (timestamps aside, which come from <see cref="TimeProvider"/>). Not thread-safe.
/// </summary>
public sealed class SampleEventGenerator
{
    public const int MaxUserId = 100_000;
    public const int MaxMovieId = 20_000;
    public const int MaxEventTypeLength = 50;

    /// <summary>id = 1 + max * u^skew: the top 1% of users get ~10% of the events.</summary>
    private const double UserSkew = 2.0;

    /// <summary>The top 1% of movies get ~22% of the events.</summary>
    private const double MovieSkew = 3.0;

    private static readonly SampleEventKind[] MalformedKinds =
        [.. Enum.GetValues<SampleEventKind>().Where(kind => kind != SampleEventKind.Valid)];

    private readonly Random random;
    private readonly double malformedPercent;
    private readonly TimeProvider timeProvider;

    /// <param name="seed">Seed of the sequence.</param>
    /// <param name="malformedPercent">Share of malformed values, 0 to 100.</param>
    /// <param name="timeProvider">Source of the events' timestamps.</param>
    public SampleEventGenerator(int seed, double malformedPercent = 0, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(malformedPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(malformedPercent, 100);
        random = new Random(seed);
        this.malformedPercent = malformedPercent;
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    public SampleEvent Next()
    {
        var userId = SkewedId(MaxUserId, UserSkew);
        var movieId = SkewedId(MaxMovieId, MovieSkew);
        var eventType = EventTypeCatalog.Pick(random.Next(EventTypeCatalog.TotalWeight));
        var timestamp = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

        var isMalformed = malformedPercent > 0 && random.NextDouble() * 100 < malformedPercent;
        if (!isMalformed)
        {
            return new SampleEvent(Key(userId), Json(userId, movieId, eventType, timestamp), SampleEventKind.Valid);
        }

        var kind = MalformedKinds[random.Next(MalformedKinds.Length)];
        return kind switch
        {
            SampleEventKind.BadJson => BadJson(userId, movieId, eventType, timestamp),
            SampleEventKind.MissingField => MissingField(userId, movieId, eventType, timestamp),
            SampleEventKind.WrongType => WrongType(userId, movieId, eventType, timestamp),
            SampleEventKind.OutOfIntRange => OutOfIntRange(userId, movieId, eventType, timestamp),
            SampleEventKind.TooLongEventType => TooLongEventType(userId, movieId, eventType, timestamp),
            _ => new SampleEvent(Key(userId), [], SampleEventKind.EmptyValue),
        };
    }

    private int SkewedId(int max, double skew) => Math.Min(max, 1 + (int)(max * Math.Pow(random.NextDouble(), skew)));

    private static string Key(long userId) => userId.ToString(CultureInfo.InvariantCulture);

    private static byte[] Json(int userId, int movieId, string eventType, long timestamp)
    {
        Span<byte> buffer = stackalloc byte[256];
        return Utf8.TryWrite(buffer, $$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}""", out var written)
            ? buffer[..written].ToArray()
            : throw new InvalidOperationException("event longer than its buffer");
    }

    /// <summary>A valid event cut short: no prefix of a JSON object is valid JSON.</summary>
    private SampleEvent BadJson(int userId, int movieId, string eventType, long timestamp)
    {
        var json = Json(userId, movieId, eventType, timestamp);
        return new SampleEvent(Key(userId), json[..random.Next(1, json.Length - 1)], SampleEventKind.BadJson);
    }

    private SampleEvent MissingField(int userId, int movieId, string eventType, long timestamp)
    {
        var fields = new List<string>
        {
            $"\"user_id\":{userId}",
            $"\"movie_id\":{movieId}",
            $"\"event_type\":\"{eventType}\"",
            $"\"timestamp\":{timestamp}",
        };
        fields.RemoveAt(random.Next(fields.Count));
        return new SampleEvent(Key(userId), Object(fields), SampleEventKind.MissingField);
    }

    private SampleEvent WrongType(int userId, int movieId, string eventType, long timestamp)
    {
        var json = random.Next(4) switch
        {
            0 => $$"""{"user_id":"{{userId}}","movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}""",
            1 => $$"""{"user_id":{{userId}},"movie_id":{"id":{{movieId}}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}""",
            2 => $$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":{{random.Next(1, 9)}},"timestamp":{{timestamp}}}""",
            _ => $$"""{"user_id":{{userId}},"movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":"{{DateTimeOffset.FromUnixTimeMilliseconds(timestamp):O}}"}""",
        };
        return new SampleEvent(Key(userId), Encoding.UTF8.GetBytes(json), SampleEventKind.WrongType);
    }

    /// <summary>An id past int.MaxValue (or below int.MinValue); the key carries the same out-of-range user_id.</summary>
    private SampleEvent OutOfIntRange(int userId, int movieId, string eventType, long timestamp)
    {
        var huge = (long)int.MaxValue + 1 + random.NextInt64(10_000_000_000);
        return random.Next(3) switch
        {
            0 => new SampleEvent(
                Key(huge),
                Encoding.UTF8.GetBytes($$"""{"user_id":{{huge}},"movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}"""),
                SampleEventKind.OutOfIntRange),
            1 => new SampleEvent(
                Key(-huge),
                Encoding.UTF8.GetBytes($$"""{"user_id":{{-huge}},"movie_id":{{movieId}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}"""),
                SampleEventKind.OutOfIntRange),
            _ => new SampleEvent(
                Key(userId),
                Encoding.UTF8.GetBytes($$"""{"user_id":{{userId}},"movie_id":{{huge}},"event_type":"{{eventType}}","timestamp":{{timestamp}}}"""),
                SampleEventKind.OutOfIntRange),
        };
    }

    private SampleEvent TooLongEventType(int userId, int movieId, string eventType, long timestamp)
    {
        var length = random.Next(MaxEventTypeLength + 1, 3 * MaxEventTypeLength);
        var tooLong = (eventType + "_" + new string('x', length)).Substring(0, length);
        return new SampleEvent(Key(userId), Json(userId, movieId, tooLong, timestamp), SampleEventKind.TooLongEventType);
    }

    private static byte[] Object(IEnumerable<string> fields) => Encoding.UTF8.GetBytes("{" + string.Join(',', fields) + "}");
}
