using System.Globalization;
using System.Text;
using System.Text.Json;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// Drives the real kcat binary (apt package kcat) as an independent Kafka client. Every call runs one kcat
/// process and throws with kcat's stderr when it fails.
/// </summary>
public static class Kcat
{
    /// <summary>kcat's path; KCAT overrides it.</summary>
    public static string Executable { get; } = Environment.GetEnvironmentVariable("KCAT") is { Length: > 0 } path ? path : "kcat";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Produces keyed records through one kcat process (key and value split by a tab; a null key is sent as
    /// no key), batched and lz4-compressed, to <paramref name="partition"/> or by key hash when null.
    /// </summary>
    public static Task ProduceAsync(
        string brokers, string topic, IEnumerable<(string? Key, string Value)> messages, int? partition = null, CancellationToken cancellationToken = default) =>
        RunProducerAsync(brokers, topic, partition, keyed: true, messages.Select(ToKeyedLine), cancellationToken);

    /// <summary>Produces one unkeyed record per line (lines must not contain newlines).</summary>
    public static Task ProduceLinesAsync(
        string brokers, string topic, IEnumerable<string> lines, int? partition = null, CancellationToken cancellationToken = default) =>
        RunProducerAsync(brokers, topic, partition, keyed: false, lines.Select(RequireSingleLine), cancellationToken);

    /// <summary>
    /// Reads <paramref name="count"/> records from the beginning of <paramref name="topic"/> (of one partition
    /// if given); throws <see cref="TimeoutException"/> if fewer arrive within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<IReadOnlyList<KcatRecord>> ConsumeAsync(
        string brokers, string topic, int count, TimeSpan timeout, int? partition = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        // Lengths first, so keys and values may hold any byte: "partition offset keylen valuelen\n" key value "\n".
        List<string> arguments = ["-C", "-b", brokers, "-t", topic, "-o", "beginning", "-c", Invariant(count), "-q", "-f", "%p %o %K %S\n%k%s\n"];
        if (partition is { } value)
        {
            arguments.AddRange(["-p", Invariant(value)]);
        }

        var result = await ProcessRunner.RunAsync(Executable, arguments, timeout, cancellationToken: cancellationToken);
        ThrowIfFailed(result, "consume");
        var records = ParseRecords(result.StandardOutputBytes);
        return records.Count == count
            ? records
            : throw new InvalidOperationException($"kcat returned {records.Count} records instead of {count}: {result.StandardError}");
    }

    /// <summary>
    /// Partition ids of <paramref name="topic"/>, empty if it does not exist. Reads the metadata of all topics:
    /// asking for one topic would make the mock broker auto-create it.
    /// </summary>
    public static async Task<IReadOnlyList<int>> ListPartitionsAsync(string brokers, string topic, CancellationToken cancellationToken = default)
    {
        var result = await ProcessRunner.RunAsync(Executable, ["-L", "-J", "-b", brokers], DefaultTimeout, cancellationToken: cancellationToken);
        ThrowIfFailed(result, "metadata");
        using var metadata = JsonDocument.Parse(result.StandardOutputBytes);
        return metadata.RootElement.GetProperty("topics").EnumerateArray()
            .Where(candidate => candidate.GetProperty("topic").GetString() == topic)
            .SelectMany(found => found.GetProperty("partitions").EnumerateArray())
            .Select(partition => partition.GetProperty("partition").GetInt32())
            .Order()
            .ToList();
    }

    /// <summary>Low and high watermarks of every partition of <paramref name="topic"/>, by partition id (kcat -Q).</summary>
    public static async Task<IReadOnlyList<PartitionWatermarks>> WatermarksAsync(string brokers, string topic, CancellationToken cancellationToken = default)
    {
        var partitions = await ListPartitionsAsync(brokers, topic, cancellationToken);
        if (partitions.Count == 0)
        {
            throw new InvalidOperationException($"topic {topic} does not exist");
        }

        // kcat -Q sends ListOffsets with the given "timestamp": -2 is the earliest offset, -1 the latest.
        var low = await QueryOffsetsAsync(brokers, topic, partitions, -2, cancellationToken);
        var high = await QueryOffsetsAsync(brokers, topic, partitions, -1, cancellationToken);
        return partitions.Select(partition => new PartitionWatermarks(partition, low[partition], high[partition])).ToList();
    }

    private static async Task<Dictionary<int, long>> QueryOffsetsAsync(
        string brokers, string topic, IEnumerable<int> partitions, long timestamp, CancellationToken cancellationToken)
    {
        List<string> arguments = ["-Q", "-J", "-b", brokers];
        foreach (var partition in partitions)
        {
            arguments.AddRange(["-t", $"{topic}:{Invariant(partition)}:{Invariant(timestamp)}"]);
        }

        var result = await ProcessRunner.RunAsync(Executable, arguments, DefaultTimeout, cancellationToken: cancellationToken);
        ThrowIfFailed(result, "offset query");
        using var offsets = JsonDocument.Parse(result.StandardOutputBytes);
        return offsets.RootElement.GetProperty(topic).EnumerateObject()
            .Where(property => property.Value.ValueKind == JsonValueKind.Object)
            .ToDictionary(property => property.Value.GetProperty("partition").GetInt32(), property => property.Value.GetProperty("offset").GetInt64());
    }

    private static async Task RunProducerAsync(
        string brokers, string topic, int? partition, bool keyed, IEnumerable<string> lines, CancellationToken cancellationToken)
    {
        List<string> arguments = ["-P", "-b", brokers, "-t", topic, "-z", "lz4", "-X", "linger.ms=5"];
        if (keyed)
        {
            arguments.AddRange(["-K", "\\t"]);
        }

        if (partition is { } value)
        {
            arguments.AddRange(["-p", Invariant(value)]);
        }

        var result = await ProcessRunner.RunAsync(
            Executable,
            arguments,
            DefaultTimeout,
            async input =>
            {
                await using var writer = new StreamWriter(input, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
                foreach (var line in lines)
                {
                    await writer.WriteAsync(line);
                    await writer.WriteAsync('\n');
                }
            },
            cancellationToken: cancellationToken);
        ThrowIfFailed(result, "produce");
    }

    private static string ToKeyedLine((string? Key, string Value) message)
    {
        RequireSingleLine(message.Value);
        if (message.Key is null)
        {
            return message.Value.Contains('\t', StringComparison.Ordinal)
                ? throw new ArgumentException("an unkeyed value cannot contain a tab (the key delimiter)", nameof(message))
                : message.Value;
        }

        return message.Key.Contains('\t', StringComparison.Ordinal) || message.Key.Contains('\n', StringComparison.Ordinal)
            ? throw new ArgumentException("a key cannot contain a tab or a newline", nameof(message))
            : message.Key + "\t" + message.Value;
    }

    private static string RequireSingleLine(string line) =>
        line.Contains('\n', StringComparison.Ordinal) ? throw new ArgumentException("a value cannot contain a newline", nameof(line)) : line;

    private static List<KcatRecord> ParseRecords(byte[] output)
    {
        var records = new List<KcatRecord>();
        var position = 0;
        while (position < output.Length)
        {
            var headerEnd = Array.IndexOf(output, (byte)'\n', position);
            var header = Encoding.ASCII.GetString(output, position, headerEnd - position).Split(' ');
            position = headerEnd + 1;
            var key = ReadField(output, ref position, int.Parse(header[2], CultureInfo.InvariantCulture));
            var value = ReadField(output, ref position, int.Parse(header[3], CultureInfo.InvariantCulture));
            position++; // the newline closing the record
            records.Add(new KcatRecord(int.Parse(header[0], CultureInfo.InvariantCulture), long.Parse(header[1], CultureInfo.InvariantCulture), key, value));
        }

        return records;
    }

    /// <summary>A field of <paramref name="length"/> bytes; -1 is a null field, which kcat prints as nothing.</summary>
    private static string? ReadField(byte[] output, ref int position, int length)
    {
        if (length < 0)
        {
            return null;
        }

        var field = Encoding.UTF8.GetString(output, position, length);
        position += length;
        return field;
    }

    private static void ThrowIfFailed(ProcessResult result, string what)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"kcat {what} failed with exit code {result.ExitCode}: {result.StandardError}");
        }
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
