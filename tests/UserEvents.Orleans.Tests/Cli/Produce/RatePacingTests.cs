using System.Diagnostics;
using UserEvents.Orleans.Cli.Producing;

namespace UserEvents.Orleans.Tests.Cli.Produce;

[Trait("Category", "Unit")]
public sealed class RatePacingTests
{
    [Fact]
    public void The_bucket_starts_with_one_token_refills_at_the_rate_and_caps_bursts()
    {
        var bucket = new TokenBucket(ratePerSecond: 1_000, capacity: 100, now: TimeSpan.Zero);

        Assert.Equal(1, bucket.Take(TimeSpan.Zero, 10));
        Assert.Equal(0, bucket.Take(TimeSpan.Zero, 10));
        Assert.Equal(TimeSpan.FromMilliseconds(1), bucket.TimeUntilNextToken(TimeSpan.Zero));
        Assert.Equal(5, bucket.Take(TimeSpan.FromMilliseconds(5), 10));
        Assert.Equal(100, bucket.Take(TimeSpan.FromSeconds(10), int.MaxValue));
    }

    [Fact]
    public void Coarse_irregular_wake_ups_still_give_the_exact_average_rate()
    {
        var bucket = new TokenBucket(ratePerSecond: 2_500, capacity: 250, now: TimeSpan.Zero);
        var random = new Random(5);
        var now = TimeSpan.Zero;
        long taken = 0;
        while (now < TimeSpan.FromSeconds(60))
        {
            taken += bucket.Take(now, 1_024);
            // A timer that fires 1 to 20 ms late.
            now += bucket.TimeUntilNextToken(now) + TimeSpan.FromMilliseconds(random.Next(1, 20));
        }

        Assert.InRange(taken, (60 * 2_500) - 60, (60 * 2_500) + 1);
    }

    [Fact]
    public async Task The_pacer_holds_a_real_loop_to_the_rate()
    {
        const int Events = 3_000;
        var pacer = new RatePacer(eventsPerSecond: 10_000);
        var stopwatch = Stopwatch.StartNew();
        for (var sent = 0; sent < Events;)
        {
            sent += await pacer.AcquireAsync(Math.Min(256, Events - sent), CancellationToken.None);
        }

        // Never faster than the rate (0.3 s for 3,000 at 10,000/s); the upper bound only catches a pacer that hangs, since a
        // loaded machine can delay any wake-up (a CI run took 1.07 s).
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.28, 10.0);
    }

    [Fact]
    public async Task The_pacer_hands_out_permits_in_batches_instead_of_waking_for_each_event()
    {
        // At 20,000 events/s a token comes every 50 µs: waking for each one kept a producer's core busy (issue 12).
        const int Events = 12_000;
        var pacer = new RatePacer(eventsPerSecond: 20_000);
        var wakes = 0;
        for (var sent = 0; sent < Events; wakes++)
        {
            sent += await pacer.AcquireAsync(Math.Min(1_024, Events - sent), CancellationToken.None);
        }

        Assert.InRange(wakes, 1, 400);
    }

    [Fact]
    public async Task Without_a_rate_the_pacer_never_waits()
    {
        var pacer = new RatePacer(eventsPerSecond: 0);

        Assert.Equal(1_024, await pacer.AcquireAsync(1_024, CancellationToken.None));
    }
}
