namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One user's figures (key = <c>user_id</c>), read through the user_id indexes and cached briefly.</summary>
public interface IUserStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Counts and the newest <paramref name="latest"/> events (1 to <see cref="StatsLimits.MaxLatest"/>); at most <see cref="StatsFreshness.User"/> old.</summary>
    Task<UserStats> GetAsync(int latest);
}
