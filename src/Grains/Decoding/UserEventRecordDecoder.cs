using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Grains.Decoding;

/// <summary>
/// Decodes the records of one partition range into a <see cref="UserEventBatch"/>: valid events and dead letters.
/// Never throws: every record becomes exactly one event or one dead letter, whatever its bytes and metadata, because a
/// decoder that throws stalls its partition (the receiver re-reads the same record forever).
/// </summary>
public sealed partial class UserEventRecordDecoder(UserEventJsonReader reader, ILogger<UserEventRecordDecoder>? logger = null) : IKafkaRecordDecoder
{
    /// <summary>The record times .NET (and so <see cref="UserEventBatch.NewestRecordTime"/>) can hold, in epoch milliseconds.</summary>
    private static readonly long MinRecordTimeMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxRecordTimeMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private readonly ILogger logger = logger ?? NullLogger<UserEventRecordDecoder>.Instance;
    private long unexpectedFailures;

    /// <summary>
    /// How many records failed in a way no check foresaw and were dead-lettered by the last line of defence; the known
    /// causes are checked, so this stays 0 (the fuzz command and the property test assert it).
    /// </summary>
    public long UnexpectedFailures => Interlocked.Read(ref unexpectedFailures);

    public object Decode(KafkaRecordRange range, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records)
    {
        // Sized once: at the default 2,000 records per batch the array stays below the large-object heap's 85 KB.
        var events = new UserEvent[records.Count];
        var stored = 0;
        List<RejectedRecord>? rejections = null;
        var newestMs = long.MinValue;
        for (var i = 0; i < events.Length; i++)
        {
            RejectedRecord? rejection;
            try
            {
                rejection = DecodeOne(records[i], ref events[stored], ref newestMs);
            }
            catch (Exception exception)
            {
                Interlocked.Increment(ref unexpectedFailures);
                LogDecoderFailed(logger, exception, range.Topic, range.Partition, i);
                // The record itself may be what failed, so nothing of it is kept but its offset when that can be read.
                rejection = new RejectedRecord(OffsetOf(records, i), null, null, $"decoder failed: {exception.GetType().Name}: {exception.Message}");
            }

            if (rejection is null)
            {
                stored++;
            }
            else
            {
                (rejections ??= []).Add(rejection);
            }
        }

        if (stored != events.Length)
        {
            Array.Resize(ref events, stored);
        }

        var newest = newestMs == long.MinValue ? DateTimeOffset.MinValue : DateTimeOffset.FromUnixTimeMilliseconds(newestMs);
        return new UserEventBatch(range.Topic, range.Partition, range.FromOffset, range.ToOffset, events, rejections?.ToArray() ?? [], newest, range.LogGeneration, records.Count);
    }

    /// <summary>Writes the record's event to <paramref name="userEvent"/> and returns null, or returns its dead letter.</summary>
    private RejectedRecord? DecodeOne(ConsumeResult<byte[]?, byte[]?>? record, ref UserEvent userEvent, ref long newestMs)
    {
        if (record is null)
        {
            return new RejectedRecord(Offset.Unset.Value, null, null, "no record (null in the list the receiver read)");
        }

        var offset = record.Offset.Value;
        var message = record.Message;
        if (message is null)
        {
            return new RejectedRecord(offset, null, null, "no message");
        }

        // A time .NET cannot hold (a producer may set any 64-bit value) is left out of the newest record time, not an error.
        var timestamp = message.Timestamp;
        var ms = timestamp.UnixTimestampMs;
        if (timestamp.Type is TimestampType.CreateTime or TimestampType.LogAppendTime && ms >= MinRecordTimeMs && ms <= MaxRecordTimeMs && ms > newestMs)
        {
            newestMs = ms;
        }

        var value = message.Value;
        if (value is null)
        {
            return Reject(offset, message.Key, null, "no value (null record)");
        }

        if (OversizedRecord.IsOversized(value))
        {
            return Reject(offset, message.Key, OversizedRecord.Cap(value), OversizedRecord.ValueReason(value));
        }

        return reader.TryRead(value, offset, out userEvent, out var reason) ? null : Reject(offset, message.Key, value, reason!);
    }

    private static long OffsetOf(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records, int index)
    {
        try
        {
            return records[index]?.Offset.Value ?? Offset.Unset.Value;
        }
        catch (Exception)
        {
            return Offset.Unset.Value;
        }
    }

    /// <summary>A dead letter whose raw key is capped (<see cref="OversizedRecord"/>); an oversized value is capped by the caller.</summary>
    private static RejectedRecord Reject(long offset, byte[]? key, byte[]? value, string reason) =>
        new(offset, OversizedRecord.Cap(key), value, reason + OversizedRecord.KeyNote(key));

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error,
        Message = "Decoding record {Index} of a batch of {Topic}/{Partition} failed unexpectedly; it is kept as a dead letter and the batch goes on")]
    private static partial void LogDecoderFailed(ILogger logger, Exception exception, string topic, int partition, int index);
}
