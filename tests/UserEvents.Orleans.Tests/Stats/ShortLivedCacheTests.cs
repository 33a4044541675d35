using UserEvents.Orleans.Grains.Stats;

namespace UserEvents.Orleans.Tests.Stats;

[Trait("Category", "Unit")]
public sealed class ShortLivedCacheTests
{
    private readonly SteppedTimeProvider time = new();

    [Fact]
    public async Task A_value_is_read_again_only_once_it_is_as_old_as_the_limit()
    {
        var reads = 0;
        var value = new ShortLivedValue<int>(TimeSpan.FromSeconds(2), time);
        Task<int> Read() => Task.FromResult(++reads);

        Assert.Equal(1, await value.GetOrReadAsync(Read));
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, await value.GetOrReadAsync(Read));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, await value.GetOrReadAsync(Read));
    }

    [Fact]
    public async Task Each_key_has_its_own_age()
    {
        var reads = new Dictionary<int, int>();
        var cache = new ShortLivedCache<int, int>(TimeSpan.FromSeconds(10), time);
        Task<int> Read(int key) => Task.FromResult(reads[key] = reads.GetValueOrDefault(key) + 1);

        await cache.GetOrReadAsync(1, Read);
        time.Advance(TimeSpan.FromSeconds(6));
        await cache.GetOrReadAsync(2, Read);
        time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(2, await cache.GetOrReadAsync(1, Read));
        Assert.Equal(1, await cache.GetOrReadAsync(2, Read));
    }

    private sealed class SteppedTimeProvider : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
