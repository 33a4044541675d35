using System.Diagnostics;
using Confluent.Kafka;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Decoding;
using OrleansKafka.Streaming;

namespace UserEvents.Orleans.Fuzz;

/// <summary>What a fuzz run saw; <see cref="Failure"/> is null when every input decoded as it must.</summary>
public sealed record FuzzResult(long Inputs, long Events, long DeadLetters, long Exceptions, TimeSpan Elapsed, string? Failure);

/// <summary>
/// Feeds generated records through <see cref="UserEventRecordDecoder"/> in batches, as the receiver does, and checks each
/// batch: no exception escapes, the last-line catch is never used, every record is exactly one event or one dead letter
/// (in order, by offset) with a non-empty reason, and every record built as a valid event decodes to that event.
/// Work is split into chunks of one seeded generator each, so a failure is repeatable from the seed.
/// </summary>
public static class DecoderFuzzer
{
    private const int ChunkInputs = 50_000;
    private const int MaxBatchRecords = 400;

    public static FuzzResult Run(long inputs, int seed, int threads)
    {
        var stopwatch = Stopwatch.StartNew();
        var chunks = (int)((inputs + ChunkInputs - 1) / ChunkInputs);
        long done = 0, events = 0, deadLetters = 0, exceptions = 0;
        string? failure = null;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, (chunk, state) =>
        {
            var chunkInputs = (int)Math.Min(ChunkInputs, inputs - ((long)chunk * ChunkInputs));
            var result = RunChunk(seed, chunk, chunkInputs);
            Interlocked.Add(ref done, result.Inputs);
            Interlocked.Add(ref events, result.Events);
            Interlocked.Add(ref deadLetters, result.DeadLetters);
            Interlocked.Add(ref exceptions, result.Exceptions);
            if (result.Failure is not null)
            {
                Interlocked.CompareExchange(ref failure, result.Failure, null);
                state.Stop();
            }
        });
        return new FuzzResult(done, events, deadLetters, exceptions, stopwatch.Elapsed, failure);
    }

    private static FuzzResult RunChunk(int seed, int chunk, int inputs)
    {
        var generator = new FuzzRecordGenerator(HashCode.Combine(seed, chunk));
        var decoder = new UserEventRecordDecoder(new UserEventJsonReader());
        long done = 0, events = 0, deadLetters = 0;
        while (done < inputs)
        {
            var batch = generator.NextBatch((int)Math.Min(MaxBatchRecords, inputs - done));
            var records = batch.ConvertAll(r => r.Record);
            UserEventBatch decoded;
            try
            {
                decoded = (UserEventBatch)decoder.Decode(new KafkaRecordRange("user-events", 0, records[0].Offset.Value, 0), records);
            }
            catch (Exception exception)
            {
                return new FuzzResult(done, events, deadLetters, 1, TimeSpan.Zero, Describe(seed, chunk, $"{exception.GetType().Name}: {exception.Message}", Culprit(decoder, batch)));
            }

            var failure = Check(batch, decoded);
            if (failure is null && decoder.UnexpectedFailures > 0)
            {
                var caught = decoded.Rejections.First(r => r.Reason.StartsWith("decoder failed:", StringComparison.Ordinal));
                failure = Describe(seed, chunk, caught.Reason, batch.Where(r => r.Record.Offset.Value == caught.Offset).ToList());
            }

            if (failure is not null)
            {
                return new FuzzResult(done, events, deadLetters, decoder.UnexpectedFailures, TimeSpan.Zero, failure);
            }

            done += batch.Count;
            events += decoded.Events.Length;
            deadLetters += decoded.Rejections.Length;
        }

        return new FuzzResult(done, events, deadLetters, 0, TimeSpan.Zero, null);
    }

    /// <summary>The first record that throws when decoded alone, or the whole batch when none does alone.</summary>
    private static List<FuzzRecord> Culprit(UserEventRecordDecoder decoder, List<FuzzRecord> batch)
    {
        foreach (var record in batch)
        {
            try
            {
                decoder.Decode(new KafkaRecordRange("user-events", 0, record.Record.Offset.Value, 0), [record.Record]);
            }
            catch (Exception)
            {
                return [record];
            }
        }

        return batch;
    }

    /// <summary>Walks the records in order: each must be the next event or the next dead letter, nothing may be left over.</summary>
    private static string? Check(List<FuzzRecord> batch, UserEventBatch decoded)
    {
        int e = 0, r = 0;
        foreach (var (record, expected) in batch)
        {
            var offset = record.Offset.Value;
            if (e < decoded.Events.Length && decoded.Events[e].Offset == offset)
            {
                var actual = decoded.Events[e++];
                if (expected is { } want && !Same(want, actual))
                {
                    return Fail(record, $"decoded as {actual}, not as the event it was built from, {want}");
                }
            }
            else if (r < decoded.Rejections.Length && decoded.Rejections[r].Offset == offset)
            {
                var rejected = decoded.Rejections[r++];
                if (string.IsNullOrWhiteSpace(rejected.Reason))
                {
                    return Fail(record, "dead letter without a reason");
                }

                if (expected is { } want)
                {
                    return Fail(record, $"a valid event {want} was rejected: {rejected.Reason}");
                }
            }
            else
            {
                return Fail(record, "neither an event nor a dead letter");
            }
        }

        return e == decoded.Events.Length && r == decoded.Rejections.Length ? null : "the batch has more events or dead letters than records";

        static string Fail(ConsumeResult<byte[]?, byte[]?> record, string what) => $"record at offset {record.Offset.Value}: {what}\n{Hex(record)}";
    }

    private static bool Same(UserEvent want, UserEvent actual) =>
        want.UserId == actual.UserId && want.MovieId == actual.MovieId && want.TimestampMs == actual.TimestampMs
        && want.Offset == actual.Offset && string.Equals(want.EventType, actual.EventType, StringComparison.Ordinal);

    private static string Describe(int seed, int chunk, string what, List<FuzzRecord> records) =>
        $"seed {seed}, chunk {chunk}: {what}\n" + string.Join('\n', records.Select(r => Hex(r.Record)));

    private static string Hex(ConsumeResult<byte[]?, byte[]?> record)
    {
        var message = record.Message;
        return message is null
            ? $"offset {record.Offset.Value}: no message"
            : $"offset {record.Offset.Value}, timestamp {message.Timestamp.UnixTimestampMs} ({message.Timestamp.Type}), "
              + $"key {(message.Key is null ? "null" : Convert.ToHexString(message.Key))}, value {(message.Value is null ? "null" : Convert.ToHexString(message.Value))}";
    }
}
