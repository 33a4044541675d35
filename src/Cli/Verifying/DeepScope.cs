namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>What <c>verify --deep</c> recounts: one partition or all, and an offset window (null ends: the chain's).</summary>
public sealed record DeepScope(int? Partition, long? From, long? To)
{
    public bool Covers(int partition) => Partition is null || Partition == partition;
}
