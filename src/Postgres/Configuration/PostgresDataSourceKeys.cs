namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// The service keys of the silo's PostgreSQL data sources besides the pipeline's own (unkeyed: flushes, checkpoints, queue
/// ownership). Each purpose has its own pool and timeouts, so a reader or a probe never waits for a connection a stuck
/// flush holds, and membership never waits behind either.
/// </summary>
public static class PostgresDataSourceKeys
{
    /// <summary>Orleans' membership table (clustering).</summary>
    public const string Membership = "membership";

    /// <summary>The stats grains' queries.</summary>
    public const string Readers = "readers";

    /// <summary>The readiness probe's <c>SELECT 1</c>.</summary>
    public const string Health = "health";
}
