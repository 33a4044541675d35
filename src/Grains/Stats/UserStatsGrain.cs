using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Stats;

namespace UserEvents.Orleans.Grains.Stats;

/// <summary>One user's figures (key = user_id), read from PostgreSQL and cached briefly; idle activations go soon.</summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class UserStatsGrain([FromKeyedServices(PostgresDataSourceKeys.Readers)] NpgsqlDataSource dataSource, TimeProvider time) : Grain, IUserStatsGrain
{
    private readonly UserStatsQuery query = new(dataSource);
    private readonly ShortLivedCache<int, UserStats> cache = new(StatsFreshness.User, time);

    public Task<UserStats> GetAsync(int latest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latest, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(latest, StatsLimits.MaxLatest);
        var userId = StatsKeys.ToInt32(this.GetPrimaryKeyLong(), "user_id");
        return cache.GetOrReadAsync(latest, count => query.ReadAsync(userId, count, CancellationToken.None));
    }
}
