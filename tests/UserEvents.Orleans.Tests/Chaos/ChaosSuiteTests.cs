using System.Text.RegularExpressions;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Chaos;

/// <summary>
/// The chaos suite (tests/Chaos) as a process, on the broker the suite runs on, short versions of the scenarios: kill -9
/// one of three silos, PostgreSQL stopped and started, the broker restarted, a rolling restart and scale 1 → 3 → 1 under
/// load (queues moving while records flow), a table lock, malformed records, a queue move while checkpoints are locked, a
/// refused event, and on a real broker the broker killed -9. Each must end with nothing missing or duplicated; the quick
/// runs hold liveness bounds only, never the speed or memory goals (those are the full run's, docs/CHAOS.md).
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed partial class ChaosSuiteTests(ITestOutputHelper output)
{
    private static readonly string[] Scenarios = KafkaTestBroker.RealBrokerConfigured
        ? ["1", "2", "3", "4", "5", "6", "7", "8", "10", "11"]
        : ["1", "2", "3", "4", "5", "6", "7", "8", "10"];

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(900);

    [Fact]
    public async Task Quick_chaos_scenarios_lose_and_duplicate_nothing()
    {
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepositoryPaths.ProgramDll("Chaos", "UserEvents.Orleans.Chaos"), "--quick", .. Scenarios],
            Timeout,
            environment: new Dictionary<string, string> { ["USER_EVENTS_CHAOS_POSTGRES"] = PostgresServer.AdminConnectionString });
        var stdout = result.StandardOutput;
        output.WriteLine(stdout);
        output.WriteLine(result.StandardError);

        var lines = ResultLine().Matches(stdout).ToDictionary(m => m.Groups["scenario"].Value, m => m);
        Assert.Equal(Scenarios.Order(), lines.Keys.Order());
        foreach (var (scenario, line) in lines)
        {
            Assert.True(line.Groups["missing"].Value == "0", $"scenario {scenario}: {line.Value}");
            Assert.True(line.Groups["duplicated"].Value == "0", $"scenario {scenario}: {line.Value}");
            Assert.True(line.Groups["passed"].Value == "true", $"scenario {scenario}: {line.Value}");
        }

        Assert.Equal(0, result.ExitCode);
    }

    [GeneratedRegex(@"^CHAOS-RESULT scenario=(?<scenario>\d+) .*\bduplicated=(?<duplicated>\S+) missing=(?<missing>\S+) .*\bpassed=(?<passed>\w+)$", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
