namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>
/// The offsets of one partition's current generation in [<paramref name="From"/>, <paramref name="To"/>) read again from
/// Kafka with read_committed and held against the offsets stored (both tables): the proof for ranges that cover offsets
/// without a record, where counting rows per range cannot tell which offsets they belong to.
/// </summary>
/// <param name="Delivered">Records Kafka delivered in the window.</param>
/// <param name="Missing">Delivered records with no row.</param>
/// <param name="Unexpected">Offsets with a row that Kafka did not deliver (an aborted record, a marker).</param>
/// <param name="Complete">False when Kafka did not deliver up to <paramref name="To"/> in time: nothing is concluded then.</param>
public sealed record KafkaReread(int Partition, int Generation, long From, long To, long Delivered, long Missing, long Unexpected, bool Complete)
{
    public bool IsConsistent => Missing == 0 && Unexpected == 0;
}
