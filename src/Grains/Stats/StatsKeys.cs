namespace UserEvents.Orleans.Grains.Stats;

/// <summary>Grain keys are 64-bit; user and movie ids are PostgreSQL integers.</summary>
internal static class StatsKeys
{
    public static int ToInt32(long key, string column) =>
        key is < int.MinValue or > int.MaxValue
            ? throw new ArgumentOutOfRangeException(nameof(key), key, $"{column} is a 32-bit integer")
            : (int)key;
}
