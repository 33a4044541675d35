namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>The cluster's per-silo figures (one grain, key 0): every silo reports to it every few seconds.</summary>
public interface ISiloIngestionGrain : IGrainWithIntegerKey
{
    Task ReportAsync(SiloIngestionReport report);

    /// <summary>The silos that reported recently, by address.</summary>
    Task<SiloIngestion[]> GetAsync();
}
