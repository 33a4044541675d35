using System.Text;
using Confluent.Kafka;
using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Fuzz;

/// <summary>One generated record and, when it was built as a valid event, the event it must decode to.</summary>
public readonly record struct FuzzRecord(ConsumeResult<byte[]?, byte[]?> Record, UserEvent? Expected);

/// <summary>
/// Makes Kafka records from one seeded <see cref="Random"/>, so a run is repeatable: valid events (any field order,
/// escapes, extra fields), mutated valid events, JSON-ish values full of escapes and surrogates, arbitrary bytes, and
/// arbitrary metadata (keys, headers, any 64-bit timestamp of any type, missing messages and values).
/// </summary>
public sealed class FuzzRecordGenerator(int seed)
{
    private static readonly string[] EventTypes = ["click", "play", "pause", "stop", "rate", "é", "播放", "😀", "a b"];

    /// <summary>Fragments that break decoders: escapes of surrogates and NUL, bad UTF-8, JSON punctuation, huge numbers.</summary>
    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "\\ud800", "\\udc00", "\\uDBFF", "\\uDFFF", "\\ud83d\\ude00", "\\ud800\\u0041", "\\u0000", "\\u", "\\", "\\\\", "\\\"", "\\n",
            "\"", "{", "}", "[", "]", ",", ":", "null", "true", "-", "0", "1e400", "-0.0", "9223372036854775808", "2147483648",
            "\"user_id\":", "\"movie_id\":", "\"event_type\":", "\"timestamp\":", "\"user\\u005fid\":", "\"\\ud800\":", " ", "\t", "\r\n",
        }.Select(Encoding.UTF8.GetBytes),
        [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0x80], [0xE2, 0x82], [0x00], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly long[] InterestingLongs =
    [
        long.MinValue, long.MaxValue, 0, -1, 1, -1001, int.MinValue, int.MaxValue, (long)int.MaxValue + 1,
        DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(),
        DateTimeOffset.MinValue.ToUnixTimeMilliseconds() - 1, DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() + 1, 1701234567890,
    ];

    private readonly Random random = new(seed);
    private readonly StringBuilder text = new();

    /// <summary>A batch of 1 to <paramref name="maxCount"/> records with distinct offsets in increasing order.</summary>
    public List<FuzzRecord> NextBatch(int maxCount)
    {
        var count = random.Next(1, maxCount + 1);
        var batch = new List<FuzzRecord>(count);
        // Any base, even near long.MaxValue: the offsets wrap but stay distinct (at most 3 * maxCount apart).
        var offset = random.Next(4) == 0 ? Pick(InterestingLongs) : random.NextInt64(0, 1L << 40);
        for (var i = 0; i < count; i++)
        {
            batch.Add(NextRecord(offset));
            offset = unchecked(offset + random.Next(1, 4));
        }

        return batch;
    }

    private FuzzRecord NextRecord(long offset)
    {
        UserEvent? expected = null;
        byte[]? value;
        var kind = random.Next(100);
        if (kind < 25)
        {
            var userEvent = NextEvent(offset);
            value = Valid(userEvent);
            expected = userEvent;
        }
        else if (kind < 60)
        {
            value = Mutate(Valid(NextEvent(offset)));
        }
        else if (kind < 85)
        {
            value = JsonIsh();
        }
        else if (kind < 97)
        {
            value = new byte[random.Next(4) == 0 ? random.Next(0, 70_000) : random.Next(0, 64)];
            random.NextBytes(value);
        }
        else
        {
            value = kind == 97 ? null : [];
        }

        var message = kind == 99 && random.Next(2) == 0 ? null : new Message<byte[]?, byte[]?>
        {
            Key = NextKey(),
            Value = value,
            Timestamp = new Timestamp(random.Next(3) == 0 ? Pick(InterestingLongs) : random.NextInt64(long.MinValue, long.MaxValue), NextTimestampType()),
            Headers = random.Next(10) == 0 ? new Headers { { "h\ud800", random.Next(2) == 0 ? null : new byte[random.Next(100)] } } : null,
        };
        if (message is null)
        {
            expected = null;
        }

        var record = new ConsumeResult<byte[]?, byte[]?> { TopicPartitionOffset = new TopicPartitionOffset("user-events", 0, offset), Message = message };
        return new FuzzRecord(record, expected);
    }

    private UserEvent NextEvent(long offset)
    {
        var eventType = random.Next(3) == 0 ? RandomEventType() : Pick(EventTypes);
        var timestamp = random.Next(10) == 0
            ? random.NextInt64(DateTimeOffset.MinValue.ToUnixTimeMilliseconds(), DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() + 1)
            : random.NextInt64(1_600_000_000_000, 1_800_000_000_000);
        return new UserEvent(NextInt(), NextInt(), eventType, timestamp, offset);
    }

    private int NextInt() => random.Next(4) == 0 ? (int)Pick([int.MinValue, int.MaxValue, 0, -1]) : random.Next(int.MinValue, int.MaxValue);

    /// <summary>1 to 50 characters of any plane, never NUL and not all white space: a valid event type.</summary>
    private string RandomEventType()
    {
        text.Clear();
        var length = random.Next(1, 51);
        for (var i = 0; i < length; i++)
        {
            var rune = random.Next(4) switch
            {
                0 => new Rune(random.Next(0x21, 0x7F)),
                1 => new Rune(random.Next(1, 0xD800)),
                2 => new Rune(random.Next(0xE000, 0x10000)),
                _ => new Rune(random.Next(0x10000, 0x110000)),
            };
            text.Append(rune.ToString());
        }

        var eventType = text.ToString();
        return string.IsNullOrWhiteSpace(eventType) ? "x" + eventType[..^1] : eventType;
    }

    /// <summary>The event as JSON: fields in any order, optional spaces, escaped event types and extra fields.</summary>
    private byte[] Valid(UserEvent e)
    {
        string[] fields =
        [
            $"\"user_id\":{e.UserId}",
            $"\"movie_id\":{e.MovieId}",
            $"\"event_type\":\"{Escape(e.EventType)}\"",
            $"\"timestamp\":{e.TimestampMs}",
        ];
        random.Shuffle(fields);
        var extras = random.Next(3) == 0 ? new[] { "\"note\":\"\\ud800\"", "\"tags\":[]", "\"more\":{\"a\":[1,{\"b\":null}]}", "\"n\":1e400" } : [];
        var separator = random.Next(2) == 0 ? "," : " , ";
        return Encoding.UTF8.GetBytes("{" + string.Join(separator, fields.Concat(extras.Take(random.Next(extras.Length + 1)))) + "}");
    }

    /// <summary>JSON string text for <paramref name="value"/>, each character written plain or as \uXXXX (a pair as two) at random.</summary>
    private string Escape(string value)
    {
        text.Clear();
        Span<char> units = stackalloc char[2];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.Value is '"' or '\\' or < ' ' || random.Next(8) == 0)
            {
                foreach (var unit in units[..rune.EncodeToUtf16(units)])
                {
                    text.Append($"\\u{(int)unit:x4}");
                }
            }
            else
            {
                text.Append(rune.ToString());
            }
        }

        return text.ToString();
    }

    private byte[] Mutate(byte[] value)
    {
        var bytes = new List<byte>(value);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[Math.Min(at, bytes.Count - 1)] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.InsertRange(at, Pick(Tokens));
                    break;
                case 2 when bytes.Count > 0:
                    var from = Math.Min(at, bytes.Count - 1);
                    bytes.RemoveRange(from, random.Next(1, Math.Min(8, bytes.Count - from) + 1));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes.InsertRange(at, Enumerable.Repeat((byte)(random.Next(2) == 0 ? '[' : '{'), random.Next(1, 40)));
                    break;
                default:
                    bytes.InsertRange(at, Pick(Tokens));
                    bytes.InsertRange(Math.Min(at + random.Next(10), bytes.Count), Pick(Tokens));
                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>An object of a few fields, mostly known names, whose values are random JSON with random escapes.</summary>
    private byte[] JsonIsh()
    {
        var bytes = new List<byte>(128) { (byte)'{' };
        var fields = random.Next(0, 7);
        for (var f = 0; f < fields; f++)
        {
            if (f > 0)
            {
                bytes.Add((byte)',');
            }

            var name = random.Next(6) switch
            {
                0 => "user_id",
                1 => "movie_id",
                2 => "event_type",
                3 => "timestamp",
                4 => RandomStringText(),
                _ => "user\\u005fid",
            };
            bytes.AddRange(Encoding.UTF8.GetBytes($"\"{name}\":"));
            AppendValue(bytes, depth: 0);
        }

        bytes.Add((byte)'}');
        return random.Next(10) == 0 ? Mutate([.. bytes]) : [.. bytes];
    }

    private void AppendValue(List<byte> bytes, int depth)
    {
        switch (random.Next(depth > 20 ? 4 : 6))
        {
            case 0:
                bytes.AddRange(Encoding.UTF8.GetBytes($"\"{RandomStringText()}\""));
                break;
            case 1:
                bytes.AddRange(Encoding.UTF8.GetBytes(random.Next(4) switch
                {
                    0 => Pick(InterestingLongs).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    1 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    2 => new string('9', random.Next(1, 400)),
                    _ => Pick(["1e400", "-0.0", "1.5", "1E3", "-", "01", "1e-400"]),
                }));
                break;
            case 2:
                bytes.AddRange(Pick(Tokens));
                break;
            case 3:
                bytes.AddRange(Encoding.UTF8.GetBytes(Pick(["null", "true", "false", "[]", "{}"])));
                break;
            case 4:
                bytes.Add((byte)'[');
                for (int i = 0, n = random.Next(4); i < n; i++)
                {
                    if (i > 0)
                    {
                        bytes.Add((byte)',');
                    }

                    AppendValue(bytes, depth + 1);
                }

                bytes.Add((byte)']');
                break;
            default:
                bytes.AddRange(Encoding.UTF8.GetBytes($"{{\"{RandomStringText()}\":"));
                AppendValue(bytes, depth + 1);
                bytes.Add((byte)'}');
                break;
        }
    }

    /// <summary>String text (between quotes) of plain characters and escapes, surrogates paired or not.</summary>
    private string RandomStringText()
    {
        text.Clear();
        for (int i = 0, n = random.Next(0, 12); i < n; i++)
        {
            text.Append(random.Next(7) switch
            {
                0 => $"\\u{random.Next(0xD800, 0xE000):x4}",
                1 => $"\\u{random.Next(0xD800, 0xDC00):X4}\\u{random.Next(0xDC00, 0xE000):x4}",
                2 => $"\\u{random.Next(0, 0x10000):x4}",
                3 => Pick(["\\n", "\\\\", "\\\"", "\\/", "\\t", "\\b"]),
                4 => ((char)random.Next(0x20, 0x7F)) is var c && c is '"' or '\\' ? "x" : c.ToString(),
                5 => "é😀",
                _ => "click",
            });
        }

        return text.ToString();
    }

    private byte[]? NextKey()
    {
        var kind = random.Next(10);
        if (kind < 4)
        {
            return null;
        }

        var key = new byte[kind == 9 ? random.Next(1000, 3000) : random.Next(0, 16)];
        random.NextBytes(key);
        return key;
    }

    private TimestampType NextTimestampType() => random.Next(8) switch
    {
        0 => TimestampType.NotAvailable,
        1 => (TimestampType)random.Next(),
        < 5 => TimestampType.CreateTime,
        _ => TimestampType.LogAppendTime,
    };

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
