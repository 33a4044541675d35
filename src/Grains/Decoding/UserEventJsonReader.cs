using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Grains.Decoding;

/// <summary>
/// Reads one Kafka value as a <see cref="UserEvent"/> straight from its UTF-8 bytes, or says in a sentence why it cannot.
/// Known event types are interned, so a valid event costs no string allocation.
/// </summary>
public sealed class UserEventJsonReader
{
    private const int MaxInternedEventTypes = 1024;
    private const int MaxQuotedNumberLength = 64;

    /// <summary>The instants .NET (and so the event_timestamp column) can hold, in epoch milliseconds.</summary>
    private static readonly long MinTimestampMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxTimestampMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly ConcurrentDictionary<string, string> eventTypes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> eventTypeLookup;

    public UserEventJsonReader() => eventTypeLookup = eventTypes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True with the event when <paramref name="value"/> is a valid event; false with the reason otherwise.</summary>
    public bool TryRead(ReadOnlySpan<byte> value, long offset, out UserEvent userEvent, out string? reason)
    {
        userEvent = default;
        reason = Check(value, offset, ref userEvent);
        return reason is null;
    }

    private string? Check(ReadOnlySpan<byte> value, long offset, ref UserEvent userEvent)
    {
        if (value.IsEmpty)
        {
            return "empty value";
        }

        if (!Utf8.IsValid(value))
        {
            return "value is not valid UTF-8";
        }

        int? userId = null, movieId = null;
        string? eventType = null;
        long? timestamp = null;
        try
        {
            var reader = new Utf8JsonReader(value, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return $"value is not a JSON object (starts with {Describe(reader.TokenType)})";
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? error;
                switch (Classify(ref reader))
                {
                    case Field.UserId:
                        error = ReadField<int>(ref reader, "user_id", userId.HasValue, ReadInt32, out var user);
                        userId = user;
                        break;
                    case Field.MovieId:
                        error = ReadField<int>(ref reader, "movie_id", movieId.HasValue, ReadInt32, out var movie);
                        movieId = movie;
                        break;
                    case Field.Timestamp:
                        error = ReadField<long>(ref reader, "timestamp", timestamp.HasValue, ReadTimestamp, out var time);
                        timestamp = time;
                        break;
                    case Field.EventType:
                        if (eventType is not null)
                        {
                            return "field 'event_type' appears twice";
                        }

                        reader.Read();
                        error = ReadEventType(ref reader, out eventType);
                        break;
                    default:
                        // Skip never unescapes, so an ignored string that is not valid Unicode costs nothing and is no error.
                        reader.Read();
                        reader.Skip();
                        error = null;
                        break;
                }

                if (error is not null)
                {
                    return error;
                }
            }

            if (reader.Read())
            {
                return "unexpected data after the JSON object";
            }
        }
        catch (JsonException exception)
        {
            return $"invalid JSON: {exception.Message}";
        }

        if (userId is null)
        {
            return "missing field 'user_id'";
        }

        if (movieId is null)
        {
            return "missing field 'movie_id'";
        }

        if (eventType is null)
        {
            return "missing field 'event_type'";
        }

        if (timestamp is null)
        {
            return "missing field 'timestamp'";
        }

        userEvent = new UserEvent(userId.Value, movieId.Value, eventType, timestamp.Value, offset);
        return null;
    }

    private enum Field
    {
        Unknown,
        UserId,
        MovieId,
        EventType,
        Timestamp,
    }

    private static Field Classify(ref Utf8JsonReader reader)
    {
        // Comparing an escaped name unescapes it, which throws on an unpaired surrogate; such a name is none of ours anyway.
        if (reader.ValueIsEscaped && !JsonStringEscapes.AreValidUtf16(reader.ValueSpan, out _))
        {
            return Field.Unknown;
        }

        return reader.ValueTextEquals("user_id"u8) ? Field.UserId
            : reader.ValueTextEquals("movie_id"u8) ? Field.MovieId
            : reader.ValueTextEquals("event_type"u8) ? Field.EventType
            : reader.ValueTextEquals("timestamp"u8) ? Field.Timestamp
            : Field.Unknown;
    }

    private delegate string? FieldReader<T>(ref Utf8JsonReader reader, string name, out T value)
        where T : struct;

    private static string? ReadField<T>(ref Utf8JsonReader reader, string name, bool seen, FieldReader<T> read, out T? value)
        where T : struct
    {
        value = null;
        if (seen)
        {
            return $"field '{name}' appears twice";
        }

        reader.Read();
        var error = read(ref reader, name, out var parsed);
        if (error is null)
        {
            value = parsed;
        }

        return error;
    }

    private static string? ReadInt32(ref Utf8JsonReader reader, string name, out int value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return $"field '{name}' must be a number, not {Describe(reader.TokenType)}";
        }

        return reader.TryGetInt32(out value) ? null : $"field '{name}' is {Raw(ref reader)}, not a 32-bit integer";
    }

    private static string? ReadTimestamp(ref Utf8JsonReader reader, string name, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number)
        {
            return $"field '{name}' must be a number of epoch milliseconds, not {Describe(reader.TokenType)}";
        }

        if (!reader.TryGetInt64(out value))
        {
            return $"field '{name}' is {Raw(ref reader)}, not a whole number of epoch milliseconds";
        }

        return value < MinTimestampMs || value > MaxTimestampMs
            ? $"field '{name}' is {value}, outside the years 0001-9999 in epoch milliseconds"
            : null;
    }

    private string? ReadEventType(ref Utf8JsonReader reader, out string? eventType)
    {
        eventType = null;
        if (reader.TokenType != JsonTokenType.String)
        {
            return $"field 'event_type' must be a string, not {Describe(reader.TokenType)}";
        }

        // An escape sequence is at most 12 bytes per character (a surrogate pair as two \uXXXX), so longer raw text is too long.
        var raw = reader.ValueSpan;
        if (raw.Length > UserEvent.MaxEventTypeLength * 12)
        {
            return $"field 'event_type' is longer than {UserEvent.MaxEventTypeLength} characters";
        }

        if (reader.ValueIsEscaped && !JsonStringEscapes.AreValidUtf16(raw, out var badEscape))
        {
            return $"field 'event_type' is not valid Unicode: unpaired surrogate escape {JsonStringEscapes.EscapeAt(raw, badEscape)}";
        }

        Span<char> buffer = stackalloc char[raw.Length];
        var text = buffer[..reader.CopyString(buffer)];
        var runes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == 0)
            {
                return "field 'event_type' contains a NUL character";
            }

            runes++;
        }

        if (runes == 0 || text.IsWhiteSpace())
        {
            return "field 'event_type' is empty";
        }

        if (runes > UserEvent.MaxEventTypeLength)
        {
            return $"field 'event_type' is longer than {UserEvent.MaxEventTypeLength} characters ({runes})";
        }

        eventType = Intern(text);
        return null;
    }

    private string Intern(ReadOnlySpan<char> text)
    {
        if (eventTypeLookup.TryGetValue(text, out var interned))
        {
            return interned;
        }

        var created = text.ToString();
        return eventTypes.Count < MaxInternedEventTypes ? eventTypes.GetOrAdd(created, created) : created;
    }

    /// <summary>A number's text for a reason, cut after <see cref="MaxQuotedNumberLength"/> characters (a number is ASCII).</summary>
    private static string Raw(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        return raw.Length <= MaxQuotedNumberLength
            ? Encoding.UTF8.GetString(raw)
            : $"{Encoding.UTF8.GetString(raw[..MaxQuotedNumberLength])}… ({raw.Length} characters)";
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}
