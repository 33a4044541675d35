namespace UserEvents.Orleans.Cli.Events;

/// <summary>The event types a streaming-service front end emits, weighted by how often they happen.</summary>
public static class EventTypeCatalog
{
    /// <summary>Types and relative weights (they add up to 100).</summary>
    public static IReadOnlyList<(string Type, int Weight)> Weighted { get; } =
    [
        ("view", 35),
        ("click", 20),
        ("play", 15),
        ("pause", 8),
        ("stop", 6),
        ("search", 6),
        ("add_to_watchlist", 6),
        ("rate", 4),
    ];

    public static int TotalWeight { get; } = Weighted.Sum(entry => entry.Weight);

    /// <summary>The type whose cumulative weight covers <paramref name="ticket"/> (0 &lt;= ticket &lt; <see cref="TotalWeight"/>).</summary>
    public static string Pick(int ticket)
    {
        foreach (var (type, weight) in Weighted)
        {
            if (ticket < weight)
            {
                return type;
            }

            ticket -= weight;
        }

        throw new ArgumentOutOfRangeException(nameof(ticket), "ticket must be below TotalWeight");
    }
}
