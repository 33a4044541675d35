namespace OrleansKafka.Streaming.Balancing;

/// <summary>Settings of <see cref="EvenSpreadQueueBalancer"/>, named by stream provider.</summary>
internal sealed class EvenSpreadBalancerOptions
{
    /// <summary>
    /// How often a silo re-reads the shared ownership besides on each membership change: it bounds how long a silo
    /// takes to start reading a queue another silo's balancer gave it, and to stop reading one it lost.
    /// </summary>
    public TimeSpan RefreshPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one read-and-update of the shared ownership may take before it is abandoned until the next round.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
