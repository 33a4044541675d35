namespace OrleansKafka.Streaming.Balancing;

/// <summary>
/// Spreads N queues over k silos so each reads ⌊N/k⌋ or ⌈N/k⌉, moving as few queues as possible from the current
/// ownership: the ⌈N/k⌉ shares go to the silos that already hold the most, a silo above its share gives up only its
/// excess, and only queues that are free (never owned, or owned by a silo no longer active) or given up move.
/// Deterministic, so any silo that computes it from the same inputs writes the same answer.
/// </summary>
internal static class EvenQueueSpread
{
    public static IReadOnlyDictionary<int, string> Balance(IReadOnlyDictionary<int, string> current, IReadOnlyCollection<string> activeSilos, int queueCount)
    {
        if (activeSilos.Count == 0)
        {
            return current;
        }

        var silos = activeSilos.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var held = silos.ToDictionary(s => s, _ => new SortedSet<int>(), StringComparer.Ordinal);
        var free = new SortedSet<int>();
        for (var queue = 0; queue < queueCount; queue++)
        {
            if (current.TryGetValue(queue, out var owner) && held.TryGetValue(owner, out var queues))
            {
                queues.Add(queue);
            }
            else
            {
                free.Add(queue);
            }
        }

        var share = queueCount / silos.Length;
        var larger = queueCount % silos.Length;
        var targets = silos
            .OrderByDescending(s => held[s].Count)
            .ThenBy(s => s, StringComparer.Ordinal)
            .Select((silo, rank) => (silo, target: share + (rank < larger ? 1 : 0)))
            .ToDictionary(t => t.silo, t => t.target, StringComparer.Ordinal);

        foreach (var silo in silos)
        {
            while (held[silo].Count > targets[silo])
            {
                var given = held[silo].Max;
                held[silo].Remove(given);
                free.Add(given);
            }
        }

        foreach (var silo in silos)
        {
            while (held[silo].Count < targets[silo])
            {
                var taken = free.Min;
                free.Remove(taken);
                held[silo].Add(taken);
            }
        }

        return held.SelectMany(h => h.Value.Select(q => (queue: q, silo: h.Key))).ToDictionary(x => x.queue, x => x.silo);
    }
}
