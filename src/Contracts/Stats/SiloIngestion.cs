namespace UserEvents.Orleans.Contracts.Stats;

/// <summary>One silo's share of the work: what it reads and how fast it reads and stores, from its last two reports.</summary>
/// <param name="Silo">The silo (<c>ip:port@generation</c>).</param>
/// <param name="Partitions">The partitions its receivers read.</param>
/// <param name="RecordsReadPerSecond">Records read per second between its last two reports; null after its first.</param>
/// <param name="EventsStoredPerSecond">Events stored per second between its last two reports; null after its first.</param>
/// <param name="RecordsRead">Records read since the silo started.</param>
/// <param name="EventsStored">Events stored since the silo started.</param>
/// <param name="ReportedAt">When the silo last reported.</param>
[GenerateSerializer, Immutable]
public sealed record SiloIngestion(
    [property: Id(0)] string Silo,
    [property: Id(1)] int[] Partitions,
    [property: Id(2)] double? RecordsReadPerSecond,
    [property: Id(3)] double? EventsStoredPerSecond,
    [property: Id(4)] long RecordsRead,
    [property: Id(5)] long EventsStored,
    [property: Id(6)] DateTimeOffset ReportedAt);
