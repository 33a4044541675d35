using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Stats;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>The busiest movies by event time (one grain, key 0), cached briefly per window and count.</summary>
public sealed class TopMoviesGrain([FromKeyedServices(PostgresDataSourceKeys.Readers)] NpgsqlDataSource dataSource, TimeProvider time) : Grain, ITopMoviesGrain
{
    private readonly TopMoviesQuery query = new(dataSource);
    private readonly ShortLivedCache<(TimeSpan Window, int Count), MovieEventCount[]> cache = new(StatsFreshness.TopMovies, time);

    public Task<MovieEventCount[]> GetAsync(TimeSpan window, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.FromMinutes(1));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, TimeSpan.FromMinutes(StatsLimits.MaxTopMinutes));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, StatsLimits.MaxTopCount);
        return cache.GetOrReadAsync((window, count), key => query.ReadAsync(key.Window, key.Count, CancellationToken.None));
    }
}
