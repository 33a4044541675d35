namespace UserEvents.Orleans.Grains.Stats;

/// <summary>
/// One value that is read again once it is older than <paramref name="maxAge"/>. Its age counts from when the read
/// began. Not thread-safe: for a grain, whose calls run one at a time.
/// </summary>
internal sealed class ShortLivedValue<T>(TimeSpan maxAge, TimeProvider time)
{
    private T? value;
    private long readAt;
    private bool hasValue;

    public async Task<T> GetOrReadAsync(Func<Task<T>> read)
    {
        if (hasValue && time.GetElapsedTime(readAt) < maxAge)
        {
            return value!;
        }

        var started = time.GetTimestamp();
        value = await read();
        readAt = started;
        hasValue = true;
        return value;
    }
}
