namespace UserEvents.Orleans.Grains.Stats;

/// <summary>
/// Values by key that are read again once older than <paramref name="maxAge"/>; expired entries are dropped whenever a
/// value is stored, so the cache holds only what was asked for recently. Not thread-safe: for a grain.
/// </summary>
internal sealed class ShortLivedCache<TKey, TValue>(TimeSpan maxAge, TimeProvider time)
    where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long ReadAt)> entries = [];

    public async Task<TValue> GetOrReadAsync(TKey key, Func<TKey, Task<TValue>> read)
    {
        if (entries.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.ReadAt) < maxAge)
        {
            return entry.Value;
        }

        var started = time.GetTimestamp();
        var value = await read(key);
        foreach (var expired in entries.Where(e => time.GetElapsedTime(e.Value.ReadAt) >= maxAge).Select(e => e.Key).ToList())
        {
            entries.Remove(expired);
        }

        entries[key] = (value, started);
        return value;
    }
}
