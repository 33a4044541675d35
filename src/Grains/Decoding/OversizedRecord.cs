using System.Security.Cryptography;

namespace UserEvents.Orleans.Grains.Decoding;

/// <summary>
/// The size limits at the edge: a value longer than <see cref="MaxValueBytes"/> is not parsed but rejected, and a dead letter keeps
/// at most <see cref="KeptBytes"/> of an oversized value or key, with the full length and SHA-256 in its reason (so the record can
/// still be found in Kafka and compared, while one bad producer cannot fill <c>user_events_rejected</c>).
/// </summary>
public static class OversizedRecord
{
    /// <summary>Values longer than this (64 KiB) are rejected; a valid event is about 80 bytes.</summary>
    public const int MaxValueBytes = 64 * 1024;

    /// <summary>How many leading bytes of an oversized value or key a dead letter keeps.</summary>
    public const int KeptBytes = 1024;

    public static bool IsOversized(ReadOnlySpan<byte> value) => value.Length > MaxValueBytes;

    /// <summary>The reason for a value over the limit, with its length and SHA-256.</summary>
    public static string ValueReason(ReadOnlySpan<byte> value) =>
        $"value is {value.Length} bytes, more than the {MaxValueBytes} allowed (raw_value keeps its first {KeptBytes} bytes; SHA-256 {Sha256(value)})";

    /// <summary>A note to append to a reason when the key is cut to <see cref="KeptBytes"/>, or null when it is kept whole.</summary>
    public static string? KeyNote(byte[]? key) =>
        key is { Length: > KeptBytes } ? $"; key is {key.Length} bytes (raw_key keeps its first {KeptBytes}; SHA-256 {Sha256(key)})" : null;

    /// <summary>The bytes a dead letter keeps: all of them up to <see cref="KeptBytes"/>, else the first <see cref="KeptBytes"/>.</summary>
    public static byte[]? Cap(byte[]? bytes) => bytes is { Length: > KeptBytes } ? bytes[..KeptBytes] : bytes;

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
