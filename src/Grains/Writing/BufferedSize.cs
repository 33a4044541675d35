using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>An estimate of the memory a write holds while buffered: what the buffer bound in bytes counts.</summary>
public static class BufferedSize
{
    // A UserEvent is four numbers and a reference to an interned event type; a dead letter keeps its raw key and
    // value (up to 64 KiB) and its reason; a batch adds its arrays and fields.
    private const int PerEvent = 40;
    private const int PerDeadLetter = 64;
    private const int PerBatch = 128;

    public static long Of(IReadOnlyList<UserEventBatch> batches)
    {
        long bytes = 0;
        foreach (var batch in batches)
        {
            bytes += PerBatch + ((long)batch.Events.Length * PerEvent);
            foreach (var r in batch.Rejections)
            {
                bytes += PerDeadLetter + (r.Key?.Length ?? 0) + (r.Value?.Length ?? 0) + (2L * r.Reason.Length);
            }
        }

        return bytes;
    }
}
