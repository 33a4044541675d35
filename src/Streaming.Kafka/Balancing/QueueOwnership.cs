namespace OrleansKafka.Streaming.Balancing;

/// <summary>
/// Which silo reads each queue (queue number = partition number), as decided at membership version
/// <paramref name="MembershipVersion"/>. Owners are Orleans silo addresses in parsable form ("ip:port@generation").
/// </summary>
public sealed record QueueOwnership(IReadOnlyDictionary<int, string> Owners, long MembershipVersion)
{
    /// <summary>No queue owned by anyone, before any membership version (-1).</summary>
    public static QueueOwnership None { get; } = new(new Dictionary<int, string>(), -1);

    /// <summary>The queues <paramref name="silo"/> reads, ascending.</summary>
    public IReadOnlyList<int> QueuesOf(string silo) =>
        Owners.Where(o => o.Value == silo).Select(o => o.Key).Order().ToArray();
}
