namespace UserEvents.Orleans.LocalKafka.Native;

/// <summary>
/// Finds the librdkafka shared library that Confluent.Kafka actually loaded into this process.
/// Confluent.Kafka silently falls back to another build when its default one cannot be loaded
/// (on Debian 12 it lacks libsasl2.so.3 and centos8-librdkafka.so is used), and P/Invoke must bind
/// to that same copy: the mock cluster lives in its memory.
/// </summary>
internal static class LoadedLibrdkafka
{
    private const string MapsPath = "/proc/self/maps";

    /// <summary>Path of the librdkafka mapped into this process; call after a Confluent.Kafka client exists.</summary>
    public static string FindPath()
    {
        if (!File.Exists(MapsPath))
        {
            throw new PlatformNotSupportedException($"{MapsPath} is missing: LocalKafka runs on Linux only");
        }

        var candidates = File.ReadLines(MapsPath)
            .Select(PathOfMapping)
            .Where(path => path is not null && Path.GetFileName(path).Contains("librdkafka", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        return candidates switch
        {
            [var only] => only!,
            [] => throw new InvalidOperationException("No librdkafka is mapped into this process: create a Confluent.Kafka client first"),
            _ => throw new InvalidOperationException("Several librdkafka copies are mapped, cannot tell which one runs the mock cluster: " + string.Join(", ", candidates)),
        };
    }

    /// <summary>The file of one /proc/self/maps line ("addr perms offset dev inode path"), if any.</summary>
    private static string? PathOfMapping(string line)
    {
        var slash = line.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : line[slash..].Replace(" (deleted)", string.Empty, StringComparison.Ordinal);
    }
}
