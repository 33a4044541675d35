using System.Collections.Concurrent;

namespace UserEvents.Orleans.Silo.Security;

/// <summary>Says whether a Warning about a key (a remote address, a caller) is due: at most one per key per period.</summary>
internal sealed class WarningThrottle(TimeProvider time, TimeSpan period)
{
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastWarned = new(StringComparer.Ordinal);

    public bool IsDue(string key)
    {
        var now = time.GetUtcNow();
        if (lastWarned.Count > PruneAbove)
        {
            foreach (var (stale, at) in lastWarned.Where(e => now - e.Value >= period).ToArray())
            {
                lastWarned.TryRemove(KeyValuePair.Create(stale, at));
            }
        }

        var due = true;
        lastWarned.AddOrUpdate(key, now, (_, previous) =>
        {
            due = now - previous >= period;
            return due ? now : previous;
        });
        return due;
    }
}
