using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Confluent.Kafka;
using CsCheck;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Decoding;

/// <summary>
/// CsCheck properties over arbitrary records: decoding never throws, every record is exactly one event or one dead letter
/// with a reason, and a valid event, however System.Text.Json escapes it, decodes to itself. A failure is shrunk and
/// printed with the seed that repeats it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DecoderPropertyTests
{
    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static readonly string[] Fragments =
    [
        "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", "\\u0041", "\\n", "\\\\", "\\\"", "\"", "{", "}", "[", "]", ",", ":",
        "null", "true", "1", "-", "1e400", "99999999999999999999", "\"user_id\"", "\"movie_id\"", "\"event_type\"", "\"timestamp\"",
        "\"\\ud800\"", "\"click\"", " ", "é", "😀",
    ];

    /// <summary>Any scalar value but NUL, 1 to 50 of them, not all white space.</summary>
    private static readonly Gen<string> EventType =
        Gen.Int[1, 0x10FFFF].Where(v => v is < 0xD800 or > 0xDFFF).Array[1, UserEvent.MaxEventTypeLength]
            .Select(values => string.Concat(values.Select(v => new Rune(v).ToString())))
            .Where(text => !string.IsNullOrWhiteSpace(text));

    private static readonly Gen<UserEvent> ValidEvent =
        Gen.Select(Gen.Int, Gen.Int, EventType, Gen.Long[MinMs, MaxMs], (user, movie, type, ms) => new UserEvent(user, movie, type, ms, 0));

    /// <summary>A value and, when it is a valid event, that event.</summary>
    private static readonly Gen<(byte[]? Value, UserEvent? Expected)> Value = Gen.Frequency(
        (3, Gen.Select(ValidEvent, Gen.Bool, (e, relaxed) => ((byte[]?)Serialize(e, relaxed), (UserEvent?)e))),
        (3, Gen.Select(ValidEvent, Gen.Int[0, 1000], Gen.Int[0, Fragments.Length - 1], Gen.Byte, Mutate)),
        (2, Gen.Int[0, Fragments.Length - 1].Array[0, 30].Select(picks => ((byte[]?)Encoding.UTF8.GetBytes("{" + string.Concat(picks.Select(p => Fragments[p])) + "}"), (UserEvent?)null))),
        (2, Gen.Byte.Array[0, 200].Select(bytes => ((byte[]?)bytes, (UserEvent?)null))),
        (1, Gen.Const(((byte[]?)null, (UserEvent?)null))));

    private static readonly Gen<(List<ConsumeResult<byte[]?, byte[]?>> Records, List<UserEvent?> Expected)> Batch =
        Gen.Select(Value, Gen.Byte.Array[0, 20].Null(), Gen.Long, Gen.Int[-2, 4], Gen.Bool, (value, key, ms, type, noMessage) => (value, key, ms, type, noMessage))
            .Array[1, 20]
            .Select(items =>
            {
                var records = new List<ConsumeResult<byte[]?, byte[]?>>();
                var expected = new List<UserEvent?>();
                foreach (var (value, key, ms, type, noMessage) in items)
                {
                    var offset = (long)records.Count;
                    var message = noMessage && value.Value is null ? null : new Message<byte[]?, byte[]?>
                    {
                        Key = key,
                        Value = value.Value,
                        Timestamp = new Timestamp(ms, (TimestampType)type),
                    };
                    records.Add(new ConsumeResult<byte[]?, byte[]?> { TopicPartitionOffset = new TopicPartitionOffset("user-events", 0, offset), Message = message });
                    expected.Add(value.Expected is { } e ? e with { Offset = offset } : null);
                }

                return (records, expected);
            });

    [Fact]
    public void Any_batch_of_records_decodes_without_throwing_one_event_or_dead_letter_per_record()
    {
        Batch.Sample(batch =>
        {
            var decoder = new UserEventRecordDecoder(new UserEventJsonReader());
            var decoded = (UserEventBatch)decoder.Decode(new KafkaRecordRange("user-events", 0, 0, batch.Records.Count), batch.Records);

            Assert.Equal(0, decoder.UnexpectedFailures);
            Assert.Equal(batch.Records.Count, decoded.RecordCount);
            int e = 0, r = 0;
            for (var i = 0; i < batch.Records.Count; i++)
            {
                if (e < decoded.Events.Length && decoded.Events[e].Offset == i)
                {
                    var actual = decoded.Events[e++];
                    if (batch.Expected[i] is { } want)
                    {
                        Assert.Equal(want, actual);
                    }
                }
                else
                {
                    var rejected = decoded.Rejections[r++];
                    Assert.Equal(i, rejected.Offset);
                    Assert.False(string.IsNullOrWhiteSpace(rejected.Reason));
                    Assert.Null(batch.Expected[i]);
                }
            }
        }, iter: 30_000);
    }

    [Fact]
    public void A_valid_event_escaped_any_way_decodes_to_itself()
    {
        var reader = new UserEventJsonReader();
        Gen.Select(ValidEvent, Gen.Bool).Sample((e, relaxed) =>
        {
            Assert.True(reader.TryRead(Serialize(e, relaxed), 0, out var actual, out var reason), reason);
            Assert.Equal(e, actual);
        }, iter: 20_000);
    }

    private static byte[] Serialize(UserEvent e, bool relaxed)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = relaxed ? JavaScriptEncoder.UnsafeRelaxedJsonEscaping : JavaScriptEncoder.Default }))
        {
            writer.WriteStartObject();
            writer.WriteString("event_type", e.EventType);
            writer.WriteNumber("timestamp", e.TimestampMs);
            writer.WriteNumber("user_id", e.UserId);
            writer.WriteNumber("movie_id", e.MovieId);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>A valid event with one fragment inserted and one byte replaced: it may still be valid, so no expectation.</summary>
    private static (byte[]? Value, UserEvent? Expected) Mutate(UserEvent e, int at, int fragment, byte replacement)
    {
        var bytes = Serialize(e, relaxed: true).ToList();
        bytes.InsertRange(at % (bytes.Count + 1), Encoding.UTF8.GetBytes(Fragments[fragment]));
        bytes[(at * 7) % bytes.Count] = replacement;
        return ([.. bytes], null);
    }
}
