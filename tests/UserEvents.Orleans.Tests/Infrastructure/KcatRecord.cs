namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>A record read back by kcat; a null key or value was absent (Kafka null), not empty.</summary>
public sealed record KcatRecord(int Partition, long Offset, string? Key, string? Value);
