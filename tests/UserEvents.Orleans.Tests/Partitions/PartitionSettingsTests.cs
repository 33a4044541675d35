using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Silo.Configuration;

namespace UserEvents.Orleans.Tests.Partitions;

/// <summary>The four partition variables are read with the silo's other settings; each wrong one is named.</summary>
public sealed class PartitionSettingsTests
{
    [Fact]
    public void Bad_partition_settings_name_each_variable()
    {
        var error = Assert.Throws<InvalidSettingsException>(() => SiloSettings.Load(new Dictionary<string, string?>
        {
            ["USER_EVENTS_PARTITION_INTERVAL"] = "1 month",
            ["USER_EVENTS_PARTITIONS_AHEAD"] = "0",
            ["USER_EVENTS_RETENTION"] = "30 seconds",
            ["USER_EVENTS_MAINTENANCE_SECONDS"] = "soon",
        }));

        Assert.Equal(4, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.StartsWith("USER_EVENTS_PARTITION_INTERVAL='1 month' is not an interval", StringComparison.Ordinal));
        Assert.Contains("USER_EVENTS_PARTITIONS_AHEAD='0' is not a whole number from 1 to 1000", error.Errors);
        Assert.Contains(error.Errors, e => e.StartsWith("USER_EVENTS_RETENTION='30 seconds' is not an interval", StringComparison.Ordinal));
        Assert.Contains("USER_EVENTS_MAINTENANCE_SECONDS='soon' is not a whole number from 1 to 86400", error.Errors);
    }

    [Fact]
    public void Defaults_are_daily_partitions_three_ahead_kept_forever_checked_every_minute()
    {
        var partitions = SiloSettings.Load(new Dictionary<string, string?> { ["USER_EVENTS_RETENTION"] = "" }).Partitions;

        Assert.Equal(new PartitionSettings { Interval = TimeSpan.FromDays(1), Ahead = 3, Retention = null, MaintenancePeriod = TimeSpan.FromMinutes(1) }, partitions);
    }

    [Theory]
    [InlineData("1 day", 1440)]
    [InlineData("6 hours", 360)]
    [InlineData(" 15 minutes ", 15)]
    [InlineData("1 minute", 1)]
    [InlineData("30 DAYS", 43_200)]
    [InlineData("2 hour", 120)]
    public void Intervals_are_read_as_PostgreSQL_writes_them(string text, int minutes)
    {
        Assert.True(PartitionInterval.TryParse(text, out var interval));
        Assert.Equal(TimeSpan.FromMinutes(minutes), interval);
    }

    [Theory]
    [InlineData("0 minutes")]
    [InlineData("1 month")]
    [InlineData("1.5 days")]
    [InlineData("-1 day")]
    [InlineData("day")]
    [InlineData("90 seconds")]
    public void Other_intervals_are_refused(string text) => Assert.False(PartitionInterval.TryParse(text, out _));
}
