using System.Text;
using UserEvents.Orleans.Grains.Decoding;

namespace UserEvents.Orleans.Tests.Decoding;

/// <summary>Values that are JSON, or almost, but cannot be read as an event: each is rejected with a reason, none throws.</summary>
[Trait("Category", "Unit")]
public sealed class UndecodableValueTests
{
    private readonly UserEventJsonReader reader = new();

    public static TheoryData<string, string> UnpairedSurrogatesInEventType => new()
    {
        { """cl\ud800ick""", """\ud800""" },
        { """\udc00""", """\udc00""" },
        { """\uD800""", """\uD800""" },
        { """ab\ud800""", """\ud800""" },
        { """\ud800\u0041""", """\ud800""" },
        { """\ud800\ud800""", """\ud800""" },
        { """\udc00\ud800""", """\udc00""" },
        { """\ud800\n""", """\ud800""" },
        { """ok\ud83d\ude00\udfff""", """\udfff""" },
    };

    [Theory]
    [MemberData(nameof(UnpairedSurrogatesInEventType))]
    public void An_unpaired_surrogate_escape_in_event_type_is_rejected_with_the_escape(string escapedEventType, string escape)
    {
        Assert.False(reader.TryRead(Json(escapedEventType), 0, out _, out var reason));
        Assert.Equal($"field 'event_type' is not valid Unicode: unpaired surrogate escape {escape}", reason);
    }

    [Fact]
    public void A_surrogate_pair_escape_and_an_escaped_backslash_before_u_are_read()
    {
        Assert.True(reader.TryRead(Json("""play\ud83d\ude00"""), 0, out var e, out var reason), reason);
        Assert.Equal("play😀", e.EventType);

        Assert.True(reader.TryRead(Json("""a\\ud800"""), 0, out e, out reason), reason);
        Assert.Equal("""a\ud800""", e.EventType);
    }

    public static TheoryData<string> UnpairedSurrogatesInIgnoredFields => new()
    {
        """{"note":"\ud800","user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""",
        """{"note":["\udc00",{"x":"\ud800\u0041"}],"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""",
        """{"\ud800":1,"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""",
        """{"\ud800_long_enough_to_be_unescaped_for_comparison":1,"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""",
        """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1,"\udc00\udc00\udc00\udc00\udc00":"\ud800"}""",
        """{"note":"\u0000","user_id\u0000":7,"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""",
    };

    [Theory]
    [MemberData(nameof(UnpairedSurrogatesInIgnoredFields))]
    public void Invalid_unicode_in_fields_that_are_ignored_does_not_stop_the_event(string value)
    {
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes(value), 0, out var e, out var reason), reason);
        Assert.Equal((1, 2, "click", 1L), (e.UserId, e.MovieId, e.EventType, e.TimestampMs));
    }

    [Fact]
    public void An_escaped_field_name_that_is_not_valid_unicode_is_not_taken_for_a_known_field()
    {
        Assert.False(reader.TryRead("""{"user_\ud800id":1,"movie_id":2,"event_type":"click","timestamp":1}"""u8, 0, out _, out var reason));
        Assert.Equal("missing field 'user_id'", reason);
    }

    [Fact]
    public void An_escaped_field_name_is_compared_unescaped()
    {
        Assert.True(reader.TryRead("""{"user\u005fid":1,"movie_id":2,"event_type":"click","timestamp":1}"""u8, 0, out var e, out var reason), reason);
        Assert.Equal(1, e.UserId);
    }

    [Theory]
    [InlineData("""\u0000""")]
    [InlineData("""click\u0000""")]
    [InlineData("""\u0000\ud83d\ude00""")]
    public void Escapes_that_decode_to_NUL_in_event_type_are_rejected(string escapedEventType)
    {
        Assert.False(reader.TryRead(Json(escapedEventType), 0, out _, out var reason));
        Assert.Equal("field 'event_type' contains a NUL character", reason);
    }

    public static TheoryData<byte[]> InvalidUtf8 => new()
    {
        new byte[] { 0xC0, 0x80 },                  // overlong NUL
        new byte[] { 0xC1, 0xBF },                  // overlong ASCII
        new byte[] { 0xE0, 0x80, 0x80 },            // overlong 3-byte
        new byte[] { 0xF0, 0x80, 0x80, 0x80 },      // overlong 4-byte
        new byte[] { 0xED, 0xA0, 0x80 },            // a UTF-8 encoded high surrogate (CESU-8)
        new byte[] { 0xED, 0xBF, 0xBF },            // a UTF-8 encoded low surrogate
        new byte[] { 0xF4, 0x90, 0x80, 0x80 },      // above U+10FFFF
        new byte[] { 0xFF },
        new byte[] { 0xFE },
        new byte[] { 0x80 },                        // a lone continuation byte
        new byte[] { 0xE2, 0x82 },                  // truncated
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public void Overlong_and_invalid_utf8_is_rejected_in_any_field(byte[] bad)
    {
        foreach (var value in new[]
        {
            Concat("""{"user_id":1,"movie_id":2,"event_type":"cl"""u8, bad, """ck","timestamp":1}"""u8),
            Concat("{\"note\":\""u8, bad, "\",\"user_id\":1,\"movie_id\":2,\"event_type\":\"click\",\"timestamp\":1}"u8),
            Concat("""{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}"""u8, bad, []),
            bad,
        })
        {
            Assert.False(reader.TryRead(value, 0, out _, out var reason));
            Assert.Equal("value is not valid UTF-8", reason);
        }
    }

    [Theory]
    [InlineData(17)]
    [InlineData(1_000)]
    [InlineData(100_000)]
    public void Deeply_nested_values_are_rejected(int depth)
    {
        var nested = new string('[', depth) + new string(']', depth);
        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes($$"""{"note":{{nested}},"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}"""), 0, out _, out var reason));
        Assert.StartsWith("invalid JSON: ", reason);

        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes($$"""{"user_id":1,"movie_id":2,"event_type":{{nested}},"timestamp":1}"""), 0, out _, out reason));
        Assert.Contains("event_type", reason);

        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes(new string('{', depth)), 0, out _, out reason));
        Assert.StartsWith("invalid JSON: ", reason);
    }

    [Fact]
    public void Nesting_within_the_limit_in_an_ignored_field_is_accepted()
    {
        var nested = new string('[', 15) + new string(']', 15);
        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes($$"""{"note":{{nested}},"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}"""), 0, out _, out var reason), reason);
    }

    public static TheoryData<string, string> HugeNumbers => new()
    {
        { """{"user_id":1e400,"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' is 1e400, not a 32-bit integer" },
        { """{"user_id":-0.0,"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' is -0.0, not a 32-bit integer" },
        { """{"user_id":1,"movie_id":-2147483649,"event_type":"click","timestamp":1}""", "field 'movie_id' is -2147483649, not a 32-bit integer" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":9223372036854775808}""", "field 'timestamp' is 9223372036854775808, not a whole number of epoch milliseconds" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":-9223372036854775808}""", "field 'timestamp' is -9223372036854775808, outside the years 0001-9999 in epoch milliseconds" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":9223372036854775807}""", "field 'timestamp' is 9223372036854775807, outside the years 0001-9999 in epoch milliseconds" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1E3}""", "field 'timestamp' is 1E3, not a whole number of epoch milliseconds" },
    };

    [Theory]
    [MemberData(nameof(HugeNumbers))]
    public void Numbers_out_of_range_are_rejected_with_the_number(string value, string expectedReason)
    {
        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes(value), 0, out _, out var reason));
        Assert.Equal(expectedReason, reason);
    }

    [Fact]
    public void A_number_of_ten_thousand_digits_is_rejected_with_a_short_reason()
    {
        var digits = new string('9', 10_000);
        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes($$"""{"user_id":{{digits}},"movie_id":2,"event_type":"click","timestamp":1}"""), 0, out _, out var reason));
        Assert.Equal($"field 'user_id' is {new string('9', 64)}… (10000 characters), not a 32-bit integer", reason);

        Assert.True(reader.TryRead(Encoding.UTF8.GetBytes($$"""{"note":{{digits}}e99999,"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}"""), 0, out _, out reason), reason);
    }

    public static TheoryData<string, string> EmptyAndOddShapes => new()
    {
        { "[]", "value is not a JSON object (starts with an array)" },
        { "{}", "missing field 'user_id'" },
        { "null", "value is not a JSON object (starts with null)" },
        { "0", "value is not a JSON object (starts with a number)" },
        { " ", "invalid JSON: " },
        { """{"user_id":[],"movie_id":2,"event_type":"click","timestamp":1}""", "field 'user_id' must be a number, not an array" },
        { """{"user_id":1,"movie_id":2,"event_type":[],"timestamp":1}""", "field 'event_type' must be a string, not an array" },
        { """{"user_id":1,"movie_id":2,"event_type":{},"timestamp":1}""", "field 'event_type' must be a string, not an object" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":[]}""", "field 'timestamp' must be a number of epoch milliseconds, not an array" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1,"event_type":"play"}""", "field 'event_type' appears twice" },
        { """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}""" + "\0", "invalid JSON: " },
    };

    [Theory]
    [MemberData(nameof(EmptyAndOddShapes))]
    public void Empty_arrays_and_odd_shapes_are_rejected(string value, string expectedReason)
    {
        Assert.False(reader.TryRead(Encoding.UTF8.GetBytes(value), 0, out _, out var reason));
        Assert.StartsWith(expectedReason, reason);
    }

    [Fact]
    public void An_empty_array_in_an_ignored_field_is_accepted()
    {
        Assert.True(reader.TryRead("""{"tags":[],"more":{},"user_id":1,"movie_id":2,"event_type":"click","timestamp":1}"""u8, 0, out _, out var reason), reason);
    }

    [Fact]
    public void The_checks_cost_a_valid_event_no_allocation()
    {
        var value = """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1701234567890,"note":"\ud800"}"""u8.ToArray();
        reader.TryRead(value, 0, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            reader.TryRead(value, i, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static byte[] Json(string escapedEventType) =>
        Encoding.UTF8.GetBytes($$"""{"user_id":1,"movie_id":2,"event_type":"{{escapedEventType}}","timestamp":1701234567890}""");

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c) => [.. a, .. b, .. c];
}
