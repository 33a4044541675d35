using System.Collections;
using Confluent.Kafka;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Decoding;

/// <summary>Records whose Kafka metadata lies outside what .NET types hold: the batch is still built, every record in it once.</summary>
[Trait("Category", "Unit")]
public sealed class UndecodableRecordTests
{
    private static readonly byte[] Valid = """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1701234567890}"""u8.ToArray();
    private static readonly DateTimeOffset ValidTime = DateTimeOffset.FromUnixTimeMilliseconds(1701234567890);

    private readonly UserEventRecordDecoder decoder = new(new UserEventJsonReader());

    public static TheoryData<long, TimestampType> UnrepresentableTimestamps => new()
    {
        { long.MinValue, TimestampType.CreateTime },
        { long.MaxValue, TimestampType.CreateTime },
        { long.MinValue, TimestampType.LogAppendTime },
        { long.MaxValue, TimestampType.LogAppendTime },
        { DateTimeOffset.MaxValue.ToUnixTimeMilliseconds() + 1, TimestampType.CreateTime },
        { DateTimeOffset.MinValue.ToUnixTimeMilliseconds() - 1, TimestampType.LogAppendTime },
        { long.MaxValue, (TimestampType)99 },
        { 1701234567999, (TimestampType)(-1) },
    };

    [Theory]
    [MemberData(nameof(UnrepresentableTimestamps))]
    public void A_record_time_dotnet_cannot_hold_is_left_out_of_the_newest_record_time(long timestampMs, TimestampType type)
    {
        var batch = Decode(Record(0, Valid, new Timestamp(timestampMs, type)), Record(1, Valid, new Timestamp(ValidTime)));

        Assert.Equal(2, batch.Events.Length);
        Assert.Equal(ValidTime, batch.NewestRecordTime);
        Assert.Equal(0, decoder.UnexpectedFailures);
    }

    [Fact]
    public void A_batch_whose_only_record_time_is_unrepresentable_has_no_newest_record_time()
    {
        var batch = Decode(Record(5, Valid, new Timestamp(long.MaxValue, TimestampType.CreateTime)));

        Assert.Single(batch.Events);
        Assert.Equal(DateTimeOffset.MinValue, batch.NewestRecordTime);
    }

    [Fact]
    public void The_extreme_representable_record_times_count()
    {
        var max = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
        var min = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(max), Decode(Record(0, Valid, new Timestamp(max, TimestampType.LogAppendTime))).NewestRecordTime);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(min), Decode(Record(0, Valid, new Timestamp(min, TimestampType.CreateTime))).NewestRecordTime);
    }

    [Fact]
    public void Null_key_and_value_null_message_and_null_record_each_become_one_dead_letter()
    {
        var records = new List<ConsumeResult<byte[]?, byte[]?>>
        {
            Record(0, null, key: null),
            new() { TopicPartitionOffset = new TopicPartitionOffset("user-events", 0, 1), Message = null },
            null!,
            Record(3, Valid, key: null),
        };

        var batch = Decode(records);

        Assert.Equal([3L], batch.Events.Select(e => e.Offset));
        Assert.Equal(
            [(0L, "no value (null record)"), (1L, "no message"), (Offset.Unset.Value, "no record (null in the list the receiver read)")],
            batch.Rejections.Select(r => (r.Offset, r.Reason)));
        Assert.All(batch.Rejections, r => Assert.Null(r.Value));
        Assert.Equal(0, decoder.UnexpectedFailures);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1L)]
    [InlineData(-1001L)]
    [InlineData(long.MaxValue)]
    public void Any_offset_is_carried_as_it_is(long offset)
    {
        var batch = Decode(Record(offset, Valid), Record(offset, "x"u8.ToArray()));

        Assert.Equal(offset, Assert.Single(batch.Events).Offset);
        Assert.Equal(offset, Assert.Single(batch.Rejections).Offset);
    }

    [Fact]
    public void Empty_values_keys_and_headers_and_an_empty_list_are_decoded()
    {
        var headers = new Headers { { "h", null }, { "", [] }, { "\ud800", new byte[100_000] } };
        var record = Record(0, [], key: []);
        record.Message.Headers = headers;

        var batch = Decode(record, Record(1, Valid, key: [0xFF]));

        Assert.Equal("empty value", Assert.Single(batch.Rejections).Reason);
        Assert.Single(batch.Events);
        Assert.Equal(0, Decode().RecordCount);
    }

    [Fact]
    public void Invalid_unicode_in_event_type_becomes_a_dead_letter_and_the_rest_of_the_batch_is_kept()
    {
        var bad = """{"user_id":1,"movie_id":2,"event_type":"\ud800","timestamp":1}"""u8.ToArray();
        var records = Enumerable.Range(0, 1000).Select(i => Record(i, i % 100 == 7 ? bad : Valid)).ToList();

        var batch = Decode(records);

        Assert.Equal(990, batch.Events.Length);
        Assert.Equal(10, batch.Rejections.Length);
        Assert.All(batch.Rejections, r => Assert.Equal("field 'event_type' is not valid Unicode: unpaired surrogate escape \\ud800", r.Reason));
        Assert.All(batch.Rejections, r => Assert.Equal(bad, r.Value));
    }

    [Fact]
    public void A_record_that_fails_in_an_unforeseen_way_is_a_dead_letter_and_counted()
    {
        var records = new ThrowingAt(1, [Record(0, Valid), Record(1, Valid), Record(2, Valid)]);

        var batch = (UserEventBatch)decoder.Decode(new KafkaRecordRange("user-events", 0, 0, 3), records);

        Assert.Equal([0L, 2L], batch.Events.Select(e => e.Offset));
        var rejected = Assert.Single(batch.Rejections);
        Assert.Equal("decoder failed: InvalidOperationException: record 1 cannot be read", rejected.Reason);
        Assert.Equal(Offset.Unset.Value, rejected.Offset);
        Assert.Equal(1, decoder.UnexpectedFailures);
    }

    private UserEventBatch Decode(params ConsumeResult<byte[]?, byte[]?>[] records) => Decode(records.ToList());

    private UserEventBatch Decode(List<ConsumeResult<byte[]?, byte[]?>> records) =>
        (UserEventBatch)decoder.Decode(new KafkaRecordRange("user-events", 0, 0, records.Count), records);

    private static ConsumeResult<byte[]?, byte[]?> Record(long offset, byte[]? value, Timestamp timestamp = default, byte[]? key = null) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("user-events", 0, offset),
        Message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Timestamp = timestamp },
    };

    /// <summary>A list whose one element cannot be read, standing for a failure nobody foresaw.</summary>
    private sealed class ThrowingAt(int index, List<ConsumeResult<byte[]?, byte[]?>> records) : IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>
    {
        public int Count => records.Count;

        public ConsumeResult<byte[]?, byte[]?> this[int i] => i == index ? throw new InvalidOperationException($"record {i} cannot be read") : records[i];

        public IEnumerator<ConsumeResult<byte[]?, byte[]?>> GetEnumerator() => Enumerable.Range(0, Count).Select(i => this[i]).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
