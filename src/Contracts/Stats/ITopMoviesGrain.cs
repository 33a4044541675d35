namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>The busiest movies (one grain, key 0).</summary>
public interface ITopMoviesGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The <paramref name="count"/> movies with the most events whose event time lies in the last <paramref name="window"/>,
    /// most events first (ties by movie id); at most <see cref="StatsFreshness.TopMovies"/> old.
    /// </summary>
    Task<MovieEventCount[]> GetAsync(TimeSpan window, int count);
}
