namespace OrleansKafka.Streaming;

/// <summary>The low (first kept) and high (next to be written) offsets of one partition.</summary>
public readonly record struct KafkaPartitionWatermarks(int Partition, long Low, long High);
