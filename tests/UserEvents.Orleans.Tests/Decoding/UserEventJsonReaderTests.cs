using System.Text;
using UserEvents.Orleans.Grains.Decoding;

namespace UserEvents.Orleans.Tests.Decoding;

public sealed class UserEventJsonReaderTests
{
    private readonly UserEventJsonReader reader = new();

    [Fact]
    public void Reads_the_seed_example_with_a_millisecond_timestamp()
    {
        var ok = reader.TryRead("""{"user_id": 123, "movie_id": 456, "event_type": "click", "timestamp": 1701234567890}"""u8, 42, out var e, out var reason);

        Assert.True(ok, reason);
        Assert.Equal(123, e.UserId);
        Assert.Equal(456, e.MovieId);
        Assert.Equal("click", e.EventType);
        Assert.Equal(42, e.Offset);
        Assert.Equal(new DateTimeOffset(2023, 11, 29, 5, 9, 27, 890, TimeSpan.Zero), e.EventTime);
    }

    [Fact]
    public void Accepts_fields_in_any_order_unknown_fields_escapes_and_extreme_ints()
    {
        var ok = reader.TryRead("""{"extra":{"a":[1,2]},"timestamp":0,"event_type":"cl\u0069ck","movie_id":-2147483648,"user_id":2147483647}"""u8, 0, out var e, out var reason);

        Assert.True(ok, reason);
        Assert.Equal(int.MaxValue, e.UserId);
        Assert.Equal(int.MinValue, e.MovieId);
        Assert.Equal("click", e.EventType);
        Assert.Equal(DateTimeOffset.UnixEpoch, e.EventTime);
    }

    [Fact]
    public void Interns_known_event_types()
    {
        reader.TryRead("""{"user_id":1,"movie_id":1,"event_type":"play","timestamp":1}"""u8, 0, out var first, out _);
        reader.TryRead("""{"user_id":2,"movie_id":2,"event_type":"play","timestamp":2}"""u8, 1, out var second, out _);

        Assert.Same(first.EventType, second.EventType);
    }

    [Fact]
    public void Counts_event_type_length_in_characters_not_bytes()
    {
        var fifty = new string('é', 50);
        Assert.True(reader.TryRead(Json(eventType: fifty), 0, out var e, out var reason), reason);
        Assert.Equal(fifty, e.EventType);

        Assert.False(reader.TryRead(Json(eventType: fifty + "x"), 0, out _, out reason));
        Assert.Equal("field 'event_type' is longer than 50 characters (51)", reason);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty value" },
        { "not json", "invalid JSON" },
        { "[1,2]", "value is not a JSON object" },
        { "\"text\"", "value is not a JSON object" },
        { """{"user_id":1,"movie_id":2,"event_type":"click"}""", "missing field 'timestamp'" },
        { """{"movie_id":2,"event_type":"click","timestamp":1}""", "missing field 'user_id'" },
        { """{"user_id":1,"event_type":"click","timestamp":1}""", "missing field 'movie_id'" },
        { """{"user_id":1,"movie_id":2,"timestamp":1}""", "missing field 'event_type'" },
        { """{"user_id":"1","movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' must be a number, not a string" },
        { """{"user_id":null,"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' must be a number, not null" },
        { """{"user_id":2147483648,"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' is 2147483648, not a 32-bit integer" },
        { """{"user_id":1,"movie_id":2.5,"event_type":"click","timestamp":1}""", "field 'movie_id' is 2.5, not a 32-bit integer" },
        { """{"user_id":1,"movie_id":2,"event_type":7,"timestamp":1}""", "field 'event_type' must be a string, not a number" },
        { """{"user_id":1,"movie_id":2,"event_type":"","timestamp":1}""", "field 'event_type' is empty" },
        { """{"user_id":1,"movie_id":2,"event_type":"   ","timestamp":1}""", "field 'event_type' is empty" },
        { """{"user_id":1,"movie_id":2,"event_type":"a\u0000b","timestamp":1}""", "field 'event_type' contains a NUL character" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":"1701234567890"}""", "field 'timestamp' must be a number of epoch milliseconds, not a string" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1.5}""", "field 'timestamp' is 1.5, not a whole number of epoch milliseconds" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":253402300800000}""", "field 'timestamp' is 253402300800000, outside the years 0001-9999 in epoch milliseconds" },
        { """{"user_id":1,"user_id":2,"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' appears twice" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1} {}""", "invalid JSON" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1""", "invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Rejects_malformed_values_with_a_reason(string value, string expectedReason)
    {
        var ok = reader.TryRead(Encoding.UTF8.GetBytes(value), 7, out _, out var reason);

        Assert.False(ok);
        Assert.StartsWith(expectedReason, reason);
    }

    [Fact]
    public void Rejects_invalid_utf8()
    {
        byte[] value = [.. """{"user_id":1,"movie_id":2,"event_type":"cl"""u8, 0xC3, 0x28, .. """ck","timestamp":1}"""u8];

        Assert.False(reader.TryRead(value, 0, out _, out var reason));
        Assert.Equal("value is not valid UTF-8", reason);
    }

    [Fact]
    public void Rejects_a_10_kb_event_type_without_decoding_it()
    {
        Assert.False(reader.TryRead(Json(eventType: new string('x', 10_240)), 0, out _, out var reason));
        Assert.Equal("field 'event_type' is longer than 50 characters", reason);
    }

    private static byte[] Json(string eventType) =>
        Encoding.UTF8.GetBytes($$"""{"user_id":1,"movie_id":2,"event_type":"{{eventType}}","timestamp":1701234567890}""");
}
