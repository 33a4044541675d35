namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>What one silo read and stored since it started, as its own meters counted it.</summary>
/// <param name="Silo">The silo (<c>ip:port@generation</c>).</param>
/// <param name="Partitions">The partitions its receivers read now.</param>
/// <param name="RecordsRead">Kafka records its receivers handed to Orleans (meter <c>kafka.receiver.records</c>).</param>
/// <param name="EventsStored">Events its writer stored (meter <c>user_events.stored</c>).</param>
/// <param name="At">When the silo took these figures.</param>
[GenerateSerializer, Immutable]
public sealed record SiloIngestionReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] int[] Partitions,
    [property: Id(2)] long RecordsRead,
    [property: Id(3)] long EventsStored,
    [property: Id(4)] DateTimeOffset At);
