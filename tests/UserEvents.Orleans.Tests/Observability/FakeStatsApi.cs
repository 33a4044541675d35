using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>
/// A stand-in for the silo's <c>/api/stats</c> and <c>/api/partitions</c> (their shapes as agreed for issue 3), for the
/// browser test's own host only: a cluster of two silos storing about 1,200 events/s over six partitions.
/// </summary>
public sealed class FakeStatsApi
{
    private static readonly (string Type, double Share)[] EventTypes = [("view", 0.46), ("click", 0.27), ("play", 0.14), ("pause", 0.08), ("rate", 0.05)];
    private static readonly string[] Silos = ["127.0.0.1:11111@155000001", "127.0.0.1:11112@155000002"];

    private readonly DateTimeOffset startedAt = DateTimeOffset.UtcNow;
    private readonly ConcurrentQueue<long> servedEventsStored = new();

    /// <summary>Every <c>eventsStored</c> value served so far.</summary>
    public IReadOnlyCollection<long> ServedEventsStored => servedEventsStored;

    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/stats", () => Results.Json(Stats()));
        endpoints.MapGet("/api/partitions", () => Results.Json(Partitions(DateTimeOffset.UtcNow)));
    }

    private object Stats()
    {
        var now = DateTimeOffset.UtcNow;
        var seconds = (now - startedAt).TotalSeconds;
        // A rate that swings between ~900 and ~1,500 events/s, so the chart has something to show.
        var stored = 1_284_000 + (long)((1_200 * seconds) + (300 * Math.Sin(seconds * 1.3) / 1.3));
        servedEventsStored.Enqueue(stored);
        return new
        {
            eventsStored = stored,
            eventsRejected = 1_290 + (long)seconds,
            eventsPerSecond1m = 1_180.4 + (40 * Math.Sin(seconds / 5)),
            eventsPerSecond5m = 1_102.7,
            byEventType = EventTypes.Select(t => new { eventType = t.Type, count = (long)(stored * t.Share) }).ToArray(),
            partitions = Partitions(now),
            generatedAt = now,
        };
    }

    private object[] Partitions(DateTimeOffset now)
    {
        var seconds = (now - startedAt).TotalSeconds;
        return Enumerable.Range(0, 6).Select(p =>
        {
            // Partition 4 falls behind, the others keep up with a little jitter.
            var lag = p == 4 ? (long)(2_000 + (900 * seconds)) : (long)Math.Max(0, 40 * Math.Sin(seconds + p) + (p * 15));
            var checkpoint = 214_000 + (p * 1_357) + (long)(200 * seconds);
            return (object)new
            {
                topic = "user-events",
                partition = p,
                owner = Silos[p % 2],
                checkpoint,
                highWatermark = checkpoint + lag,
                lag,
                lastCommitAt = (DateTimeOffset?)now.AddMilliseconds(-120 - (p * 90)),
            };
        }).ToArray();
    }
}
