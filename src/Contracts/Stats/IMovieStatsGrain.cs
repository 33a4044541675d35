namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One movie's figures (key = <c>movie_id</c>), read through the movie_id indexes and cached briefly.</summary>
public interface IMovieStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Counts and the newest <paramref name="latest"/> events (1 to <see cref="StatsLimits.MaxLatest"/>); at most <see cref="StatsFreshness.Movie"/> old.</summary>
    Task<MovieStats> GetAsync(int latest);
}
