namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// What a cluster certificate lets its holder do, read from its extended key usage: a silo's certificate is for server and
/// client authentication (it accepts and opens silo connections), a client's only for client authentication (it can reach
/// a gateway, never the silo port).
/// </summary>
public enum ClusterRole
{
    Silo,
    Client,
}
