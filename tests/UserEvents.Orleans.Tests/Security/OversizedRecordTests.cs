using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>Records over the size limit become dead letters with a reason, their length and hash, and only their first bytes.</summary>
[Trait("Category", "Unit")]
public sealed class OversizedRecordTests
{
    private readonly UserEventRecordDecoder decoder = new(new UserEventJsonReader());

    [Fact]
    public void A_value_over_64_KiB_is_rejected_with_its_length_and_hash_and_keeps_its_first_KiB()
    {
        var padding = new string(' ', OversizedRecord.MaxValueBytes);
        var value = Encoding.UTF8.GetBytes($$"""{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1701234567890}{{padding}}""");

        var rejected = Assert.Single(Decode((Encoding.UTF8.GetBytes("1"), value)).Rejections);

        Assert.Equal($"value is {value.Length} bytes, more than the 65536 allowed (raw_value keeps its first 1024 bytes; SHA-256 {Hex(value)})", rejected.Reason);
        Assert.Equal(value[..1024], rejected.Value);
        Assert.Equal("1"u8.ToArray(), rejected.Key);
    }

    [Fact]
    public void A_value_of_exactly_64_KiB_is_still_parsed()
    {
        var json = """{"user_id":1,"movie_id":2,"event_type":"click","timestamp":1701234567890}""";
        var value = Encoding.UTF8.GetBytes(json + new string(' ', OversizedRecord.MaxValueBytes - json.Length));

        var batch = Decode((null, value));

        Assert.Single(batch.Events);
        Assert.Empty(batch.Rejections);
    }

    [Fact]
    public void A_dead_letter_keeps_the_first_KiB_of_a_long_key_and_says_so()
    {
        var key = new byte[5000];
        Random.Shared.NextBytes(key);
        var value = "not json"u8.ToArray();

        var rejected = Assert.Single(Decode((key, value)).Rejections);

        Assert.Equal(key[..1024], rejected.Key);
        Assert.Equal(value, rejected.Value);
        Assert.EndsWith($"; key is 5000 bytes (raw_key keeps its first 1024; SHA-256 {Hex(key)})", rejected.Reason);
    }

    private UserEventBatch Decode(params (byte[]? Key, byte[] Value)[] records)
    {
        var results = records.Select((record, index) => new ConsumeResult<byte[]?, byte[]?>
        {
            TopicPartitionOffset = new TopicPartitionOffset("user-events", 0, index),
            Message = new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value, Timestamp = new Timestamp(1701234567890, TimestampType.CreateTime) },
        }).ToList();
        return (UserEventBatch)decoder.Decode(new KafkaRecordRange("user-events", 0, 0, results.Count), results);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
