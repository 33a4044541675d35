namespace UserEvents.Orleans.Contracts;

/// <summary>Names shared by the silo, the grains and clients.</summary>
public static class StreamNames
{
    /// <summary>The Orleans stream provider that reads the Kafka topic.</summary>
    public const string KafkaProvider = "kafka";

    /// <summary>The stream namespace of the partition streams; a stream's key is its Kafka partition number.</summary>
    public const string UserEventsNamespace = "user-events";
}
