using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Stats;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>One movie's figures (key = movie_id), read from PostgreSQL and cached briefly; idle activations go soon.</summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class MovieStatsGrain([FromKeyedServices(PostgresDataSourceKeys.Readers)] NpgsqlDataSource dataSource, TimeProvider time) : Grain, IMovieStatsGrain
{
    private readonly MovieStatsQuery query = new(dataSource);
    private readonly ShortLivedCache<int, MovieStats> cache = new(StatsFreshness.Movie, time);

    public Task<MovieStats> GetAsync(int latest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latest, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(latest, StatsLimits.MaxLatest);
        var movieId = StatsKeys.ToInt32(this.GetPrimaryKeyLong(), "movie_id");
        return cache.GetOrReadAsync(latest, count => query.ReadAsync(movieId, count, CancellationToken.None));
    }
}
