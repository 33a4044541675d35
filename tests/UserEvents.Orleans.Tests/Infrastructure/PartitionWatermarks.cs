namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Low (first kept offset) and high (next offset to be written) watermarks of one partition.</summary>
public sealed record PartitionWatermarks(int Partition, long Low, long High)
{
    public long Count => High - Low;
}
