using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// Writes PostgreSQL's binary COPY format (header, rows of length-prefixed big-endian fields, trailer) into a stream from
/// <c>NpgsqlConnection.BeginRawBinaryCopyAsync</c>, through one pooled buffer. Npgsql's typed importer binds a parameter for
/// every value it writes; on the commit path that was a quarter of the silo's CPU (docs/BENCHMARKS.md, "Profile").
/// Values are written into the buffer (which grows for a row larger than it); the caller sends the buffer between rows
/// with <see cref="FlushAsync"/> once <see cref="ShouldFlush"/>, so no write blocks a thread on the socket.
/// </summary>
internal sealed class BinaryCopyWriter : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const long UnixEpochInPostgresMicroseconds = -946_684_800_000_000;
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private readonly Stream destination;
    private byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int used;

    public BinaryCopyWriter(Stream destination)
    {
        this.destination = destination;
        Signature.CopyTo(buffer, 0);
        used = Signature.Length;
        WriteRaw32(0); // flags: no OIDs
        WriteRaw32(0); // header extension length
    }

    public void StartRow(short fields)
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), fields);
        used += 2;
    }

    public void WriteInt32(int value)
    {
        Reserve(8);
        WriteRaw32(4);
        WriteRaw32(value);
    }

    public void WriteInt64(long value)
    {
        Reserve(12);
        WriteRaw32(8);
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(used), value);
        used += 8;
    }

    /// <summary>A <c>timestamptz</c> from milliseconds since the Unix epoch (microseconds since 2000-01-01 UTC on the wire).</summary>
    public void WriteTimestampFromUnixMilliseconds(long milliseconds) => WriteInt64(checked((milliseconds * 1000) + UnixEpochInPostgresMicroseconds));

    public void WriteTimestamp(DateTimeOffset value) => WriteInt64((value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 + UnixEpochInPostgresMicroseconds);

    public void WriteText(string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        Reserve(4 + length);
        var written = Encoding.UTF8.GetBytes(value, buffer.AsSpan(used + 4));
        WriteRaw32(written);
        used += written;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Reserve(4 + value.Length);
        WriteRaw32(value.Length);
        value.CopyTo(buffer.AsSpan(used));
        used += value.Length;
    }

    public void WriteNull()
    {
        Reserve(4);
        WriteRaw32(-1);
    }

    /// <summary>True when the buffer holds a full buffer's worth: time to <see cref="FlushAsync"/> before the next row.</summary>
    public bool ShouldFlush => used >= BufferSize;

    /// <summary>Sends what is buffered.</summary>
    public async ValueTask FlushAsync()
    {
        await destination.WriteAsync(buffer.AsMemory(0, used));
        used = 0;
    }

    /// <summary>Writes the trailer and sends everything buffered; the caller then disposes the stream to end the COPY.</summary>
    public ValueTask CompleteAsync()
    {
        Reserve(2);
        BinaryPrimitives.WriteInt16BigEndian(buffer.AsSpan(used), -1);
        used += 2;
        return FlushAsync();
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    private void WriteRaw32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(used), value);
        used += 4;
    }

    private void Reserve(int bytes)
    {
        if (buffer.Length - used >= bytes)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, used + bytes));
        buffer.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = larger;
    }
}
