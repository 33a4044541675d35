namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>How old a cached figure of the stats grains may be.</summary>
public static class StatsFreshness
{
    public static readonly TimeSpan Ingestion = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan User = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan Movie = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan TopMovies = TimeSpan.FromSeconds(10);
}
