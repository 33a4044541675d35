using System.Globalization;
using System.Text.RegularExpressions;
using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.Stats;

namespace UserEvents.Orleans.Tests.Cli.Stats;

/// <summary><c>user-events stats</c>, <c>user</c> and <c>lag</c> as an Orleans client of a real silo process.</summary>
[Collection(nameof(StatsSiloCollection))]
public sealed partial class StatsCommandTests(StatsSiloFixture fixture)
{
    [Fact]
    public async Task Stats_with_the_silos_environment_prints_the_counts_of_the_tables()
    {
        var result = await UserEventsCli.RunAsync(fixture.Environment, "stats");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var output = result.StandardOutput;
        Assert.Equal(await ExpectedStats.StoredAsync(fixture.Database), Figure(output, "Events stored"));
        Assert.Equal(await ExpectedStats.RejectedAsync(fixture.Database), Figure(output, "Events rejected"));
        Assert.Equal(0, Figure(output, "Total lag"));
        foreach (var (eventType, count) in await ExpectedStats.ByEventTypeAsync(fixture.Database))
        {
            Assert.Equal(count, Figure(output, eventType));
        }
    }

    [Fact]
    public async Task User_with_options_prints_the_users_counts_and_newest_events()
    {
        const int UserId = 23;
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(fixture.Database);

        var result = await UserEventsCli.RunAsync(
            null,
            "user", UserId.ToString(CultureInfo.InvariantCulture), "--latest", "3",
            "--postgres-host", pg.Host!, "--postgres-port", pg.Port.ToString(CultureInfo.InvariantCulture), "--postgres-db", pg.Database!,
            "--postgres-user", pg.Username!, "--postgres-password", pg.Password!, "--cluster-id", StatsSiloFixture.ClusterId);

        Assert.True(result.ExitCode == 0, result.StandardError);
        var byType = await ExpectedStats.UserByEventTypeAsync(fixture.Database, UserId);
        Assert.Equal(byType.Values.Sum(), Figure(result.StandardOutput, "Events"));
        var latest = LatestRow().Matches(result.StandardOutput).Select(m => (int.Parse(m.Groups["partition"].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups["offset"].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(await ExpectedStats.LatestAsync(fixture.Database, "user_id", UserId, 3), latest.ToList());
    }

    [Fact]
    public async Task Lag_prints_every_partition_with_its_owner_and_a_total_of_zero()
    {
        var result = await UserEventsCli.RunAsync(fixture.Environment, "lag");

        Assert.True(result.ExitCode == 0, result.StandardError);
        var owner = $"127.0.0.1:{fixture.Environment["ORLEANS_SILO_PORT"]}@";
        Assert.Equal(6, result.StandardOutput.Split('\n').Count(line => line.Contains(owner, StringComparison.Ordinal)));
        Assert.Contains("total lag: 0", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_without_silos_fails_at_once_with_exit_code_1()
    {
        var environment = new Dictionary<string, string>(fixture.Environment) { ["ORLEANS_CLUSTER_ID"] = "no-such-cluster" };

        var result = await UserEventsCli.RunAsync(environment, "lag");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot connect to Orleans cluster no-such-cluster", result.StandardError, StringComparison.Ordinal);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(20), $"took {result.Elapsed}");
    }

    /// <summary>The number in the table row whose first cell is <paramref name="label"/>.</summary>
    private static long Figure(string output, string label)
    {
        var match = Regex.Match(output, $@"│ {Regex.Escape(label)} +│ +(\d+) +│");
        Assert.True(match.Success, $"no row '{label}' in:{Environment.NewLine}{output}");
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    // A row of the latest-events table: time, user, movie, type, partition, offset.
    [GeneratedRegex(@"│ \d{4}-\d\d-\d\d [\d:.]+Z │ +\d+ │ +\d+ │ \w+ +│ +(?<partition>\d+) │ +(?<offset>\d+) │")]
    private static partial Regex LatestRow();
}
