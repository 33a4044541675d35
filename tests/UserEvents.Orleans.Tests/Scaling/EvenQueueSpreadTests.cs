using OrleansKafka.Streaming.Balancing;

namespace UserEvents.Orleans.Tests.Scaling;

public sealed class EvenQueueSpreadTests
{
    private static readonly Dictionary<int, string> Nothing = [];

    [Theory]
    [InlineData(6, 1)]
    [InlineData(6, 2)]
    [InlineData(6, 3)]
    [InlineData(6, 4)]
    [InlineData(12, 5)]
    [InlineData(3, 5)]
    public void Every_silo_reads_the_floor_or_the_ceiling_of_its_share(int queues, int silos)
    {
        var owners = EvenQueueSpread.Balance(Nothing, Silos(silos), queues);

        Assert.Equal(Enumerable.Range(0, queues), owners.Keys.Order());
        var counts = Silos(silos).Select(s => owners.Values.Count(o => o == s)).ToArray();
        Assert.All(counts, c => Assert.InRange(c, queues / silos, (queues + silos - 1) / silos));
    }

    [Fact]
    public void A_balanced_ownership_stays_as_it_is()
    {
        var owners = EvenQueueSpread.Balance(Nothing, Silos(3), 7);

        Assert.Equal(owners, EvenQueueSpread.Balance(owners, Silos(3).Reverse().ToArray(), 7));
    }

    [Theory]
    [InlineData(6, 1, 2)]
    [InlineData(6, 1, 3)]
    [InlineData(6, 2, 3)]
    [InlineData(6, 3, 2)]
    [InlineData(6, 3, 1)]
    [InlineData(12, 4, 5)]
    [InlineData(12, 5, 4)]
    [InlineData(7, 3, 4)]
    public void A_join_or_a_leave_moves_only_what_it_must(int queues, int before, int after)
    {
        var old = EvenQueueSpread.Balance(Nothing, Silos(before), queues);

        var updated = EvenQueueSpread.Balance(old, Silos(after), queues);

        var moved = updated.Count(o => old[o.Key] != o.Value);
        var must = Silos(Math.Max(before, after)).Sum(s => Math.Max(0, Share(old, s) - Share(updated, s)));
        Assert.Equal(must, moved);
        Assert.All(Silos(after), s => Assert.InRange(Share(updated, s), queues / after, (queues + after - 1) / after));
    }

    [Fact]
    public void The_queues_of_a_silo_that_is_gone_go_to_the_silos_with_the_smallest_shares()
    {
        var old = new Dictionary<int, string> { [0] = "a", [1] = "a", [2] = "b", [3] = "b", [4] = "c", [5] = "c" };

        var updated = EvenQueueSpread.Balance(old, ["a", "b"], 6);

        Assert.Equal(3, Share(updated, "a"));
        Assert.Equal(3, Share(updated, "b"));
        Assert.All(new[] { 0, 1 }, q => Assert.Equal("a", updated[q]));
        Assert.All(new[] { 2, 3 }, q => Assert.Equal("b", updated[q]));
    }

    [Fact]
    public void Balancer_settings_that_cannot_work_are_each_named()
    {
        var errors = EvenSpreadBalancerOptionsValidator.Validate(new EvenSpreadBalancerOptions { RefreshPeriod = TimeSpan.Zero, StoreTimeout = TimeSpan.FromSeconds(-1) }).ToArray();

        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("RefreshPeriod", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("StoreTimeout", StringComparison.Ordinal));
        Assert.Empty(EvenSpreadBalancerOptionsValidator.Validate(new EvenSpreadBalancerOptions()));
    }

    private static string[] Silos(int count) => Enumerable.Range(0, count).Select(i => $"10.0.0.{i}:11111@1").ToArray();

    private static int Share(IReadOnlyDictionary<int, string> owners, string silo) => owners.Values.Count(o => o == silo);
}
