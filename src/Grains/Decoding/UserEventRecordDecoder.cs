using Confluent.Kafka;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Streaming.Kafka;

namespace UserEvents.Orleans.Grains.Decoding;

/// <summary>Decodes the records of one partition range into a <see cref="UserEventBatch"/>: valid events and dead letters.</summary>
public sealed class UserEventRecordDecoder(UserEventJsonReader reader) : IKafkaRecordDecoder
{
    public object Decode(KafkaRecordRange range, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records)
    {
        // Sized once: at the default 2,000 records per batch the array stays below the large-object heap's 85 KB.
        var events = new UserEvent[records.Count];
        var stored = 0;
        List<RejectedRecord>? rejections = null;
        var newest = DateTimeOffset.MinValue;
        foreach (var record in records)
        {
            var message = record.Message;
            var offset = record.Offset.Value;
            if (message.Value is null)
            {
                (rejections ??= []).Add(Reject(offset, message.Key, null, "no value (null record)"));
            }
            else if (OversizedRecord.IsOversized(message.Value))
            {
                (rejections ??= []).Add(Reject(offset, message.Key, OversizedRecord.Cap(message.Value), OversizedRecord.ValueReason(message.Value)));
            }
            else if (reader.TryRead(message.Value, offset, out var userEvent, out var reason))
            {
                events[stored++] = userEvent;
            }
            else
            {
                (rejections ??= []).Add(Reject(offset, message.Key, message.Value, reason!));
            }

            var timestamp = message.Timestamp;
            if (timestamp.Type != TimestampType.NotAvailable)
            {
                var time = DateTimeOffset.FromUnixTimeMilliseconds(timestamp.UnixTimestampMs);
                if (time > newest)
                {
                    newest = time;
                }
            }
        }

        if (stored != events.Length)
        {
            Array.Resize(ref events, stored);
        }

        return new UserEventBatch(range.Topic, range.Partition, range.FromOffset, range.ToOffset, events, rejections?.ToArray() ?? [], newest);
    }

    /// <summary>A dead letter whose raw key is capped (<see cref="OversizedRecord"/>); an oversized value is capped by the caller.</summary>
    private static RejectedRecord Reject(long offset, byte[]? key, byte[]? value, string reason) =>
        new(offset, OversizedRecord.Cap(key), value, reason + OversizedRecord.KeyNote(key));
}
