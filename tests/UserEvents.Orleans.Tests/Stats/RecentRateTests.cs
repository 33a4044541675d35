using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using UserEvents.Orleans.Postgres.Stats;

namespace UserEvents.Orleans.Tests.Stats;

/// <summary>
/// The recent-rate window: from the start of the minute <c>wholeMinutes</c> before the current one up to now, and the
/// events per second over it. Expected values are written out by hand, not computed with the code under test.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RecentRateTests
{
    [Theory]
    [InlineData("2026-03-01T12:34:56.789Z", 1, "2026-03-01T12:33:00Z")]
    [InlineData("2026-03-01T12:34:56.789Z", 5, "2026-03-01T12:29:00Z")]
    [InlineData("2026-03-01T12:00:00Z", 1, "2026-03-01T11:59:00Z")]
    [InlineData("2026-03-01T12:00:59.999Z", 1, "2026-03-01T11:59:00Z")]
    [InlineData("2027-01-01T00:00:30Z", 1, "2026-12-31T23:59:00Z")]
    [InlineData("2027-01-01T00:02:30Z", 5, "2026-12-31T23:57:00Z")]
    [InlineData("2026-03-01T14:34:56+02:00", 1, "2026-03-01T12:33:00Z")]
    [InlineData("2026-03-01T18:04:56+05:30", 5, "2026-03-01T12:29:00Z")]
    public void The_window_starts_on_the_whole_minute_that_many_minutes_before_the_current_one(string at, int minutes, string start)
    {
        var windowStart = RecentRate.WindowStart(Parse(at), minutes);

        Assert.Equal(Parse(start), windowStart);
        Assert.Equal(TimeSpan.Zero, windowStart.Offset);
    }

    [Theory]
    [InlineData(900, "2026-03-01T12:00:30Z", 1, 10.0)]   // 11:59:00 to 12:00:30: 90 s
    [InlineData(1_000, "2026-03-01T12:00:30Z", 5, 3.03)] // 11:55:00 to 12:00:30: 330 s, 3.0303...
    [InlineData(1, "2026-03-01T12:00:30Z", 1, 0.01)]     // 0.0111...
    [InlineData(2, "2026-03-01T12:00:30Z", 1, 0.02)]     // 0.0222...
    [InlineData(120, "2026-03-01T12:00:00Z", 1, 2.0)]    // on the minute: exactly 60 s
    [InlineData(0, "2026-03-01T12:00:30Z", 5, 0.0)]
    public void The_rate_is_the_events_over_the_windows_actual_length_rounded_to_two_decimals(long events, string at, int minutes, double perSecond)
    {
        Assert.Equal(perSecond, RecentRate.PerSecond(events, Parse(at), minutes));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_steady_rate_reads_as_itself_at_every_second_of_several_minutes(int minutes)
    {
        const int EventsPerSecond = 40;
        var time = new FakeTimeProvider(Parse("2026-03-01T12:00:00Z"));
        var streamStart = time.GetUtcNow().AddHours(-1);
        for (var second = 0; second < 3 * 60; second++)
        {
            var now = time.GetUtcNow();
            var start = RecentRate.WindowStart(now, minutes);

            // What a stream of 40 events a second since an hour ago stored since the window's start.
            var stored = (long)(now - start).TotalSeconds * EventsPerSecond;
            Assert.True(start > streamStart);
            Assert.InRange(now - start, TimeSpan.FromMinutes(minutes), TimeSpan.FromMinutes(minutes + 1) - TimeSpan.FromSeconds(1));
            Assert.Equal(0, start.UtcTicks % TimeSpan.TicksPerMinute);
            Assert.Equal(EventsPerSecond, RecentRate.PerSecond(stored, now, minutes));
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.None);
}
