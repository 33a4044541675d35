namespace Orleans.Configuration;

/// <summary>Where a partition that has no checkpoint yet starts reading.</summary>
public enum KafkaStartingOffsets
{
    /// <summary>At the partition's high watermark: only events produced from now on.</summary>
    Latest = 0,

    /// <summary>At the partition's low watermark: everything the broker still keeps.</summary>
    Earliest = 1,
}
