namespace UserEvents.Orleans.Cli.Producing;

/// <summary>
/// Token bucket on an external clock: tokens accrue at <c>ratePerSecond</c> up to <c>capacity</c>, one per event.
/// Pure arithmetic, so rate limiting is exact whatever the timer resolution of the caller's waits.
/// </summary>
public sealed class TokenBucket
{
    private readonly double ratePerSecond;
    private readonly double capacity;
    private double tokens;
    private TimeSpan lastRefill;

    /// <param name="ratePerSecond">Tokens added per second, &gt; 0.</param>
    /// <param name="capacity">Most tokens held (the largest burst), &gt;= 1.</param>
    /// <param name="now">Clock reading at creation; the bucket starts with one token.</param>
    public TokenBucket(double ratePerSecond, double capacity, TimeSpan now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        tokens = 1;
        lastRefill = now;
    }

    /// <summary>Takes up to <paramref name="max"/> whole tokens available at <paramref name="now"/>; returns how many.</summary>
    public int Take(TimeSpan now, int max)
    {
        Refill(now);
        var taken = (int)Math.Min(max, Math.Floor(tokens));
        tokens -= taken;
        return taken;
    }

    /// <summary>How long after <paramref name="now"/> the next whole token is there (zero when one already is).</summary>
    public TimeSpan TimeUntilNextToken(TimeSpan now)
    {
        Refill(now);
        return tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - tokens) / ratePerSecond);
    }

    private void Refill(TimeSpan now)
    {
        if (now > lastRefill)
        {
            tokens = Math.Min(capacity, tokens + ((now - lastRefill).TotalSeconds * ratePerSecond));
            lastRefill = now;
        }
    }
}
