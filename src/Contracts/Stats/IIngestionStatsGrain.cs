namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>The cluster's ingestion figures (one grain, key 0), computed from PostgreSQL and Kafka and cached briefly.</summary>
public interface IIngestionStatsGrain : IGrainWithIntegerKey
{
    /// <summary>Counts, rates and partitions; at most <see cref="StatsFreshness.Ingestion"/> old.</summary>
    Task<IngestionStats> GetAsync();

    /// <summary>The partitions alone (no counting of rows); at most <see cref="StatsFreshness.Ingestion"/> old.</summary>
    Task<PartitionProgress[]> GetPartitionsAsync();
}
