using System.Text.RegularExpressions;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Benchmarks;

/// <summary>
/// The built benchmark (tests/Benchmarks) with <c>--quick</c>, as a process: every section is printed and every line has
/// numbers. Speed goals are read from the benchmark's own output, never asserted here.
/// </summary>
[Collection(nameof(EndToEnd.ProcessTests))]
public sealed class BenchmarkSmokeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(120);

    private const string OursLine = "silo: Kafka → Orleans → PostgreSQL, exactly once";

    /// <summary>The limit and peer lines, each compared with ours in the ratios section.</summary>
    private static readonly string[] ComparedLines =
    [
        "binary COPY, 1 connection",
        "binary COPY, 2 connections",
        "Kafka consume only (Confluent, Assign all partitions)",
        "one INSERT per event (autocommit)",
        "multi-row INSERT of 1,000 + Kafka offset commit per batch",
    ];

    [Fact]
    public async Task Quick_run_prints_every_section_with_numbers_and_the_drain_with_cluster_tls()
    {
        var markdown = Path.Combine(Path.GetTempPath(), $"bench-smoke-{Guid.NewGuid():N}.md");
        try
        {
            var result = await ProcessRunner.RunAsync(
                "dotnet",
                [RepositoryPaths.ProgramDll("Benchmarks", "UserEvents.Orleans.Benchmarks"), "--quick", "--cluster-tls", "--postgres", PostgresServer.AdminConnectionString, "--output", markdown],
                RunTimeout,
                // A smoke test of the benchmark tool on LocalKafka; the benchmark on the real broker is run by hand
                // (scripts/bench.sh --broker real), it takes longer than this test's bound.
                environment: new Dictionary<string, string> { [RealKafkaBroker.KitVariable] = "" });
            var stdout = result.StandardOutput;
            output.WriteLine($"{result.Elapsed.TotalSeconds:F1} s{Environment.NewLine}{stdout}{Environment.NewLine}{result.StandardError}");

            Assert.True(result.ExitCode == 0, result.StandardError);
            foreach (var section in new[] { "limit", "peers", "ours", "ratios" })
            {
                Assert.Matches(new Regex($"^── {section} ─", RegexOptions.Multiline), stdout);
            }

            // The markdown report, whose rows the console's column widths cannot wrap.
            var report = await File.ReadAllTextAsync(markdown);
            foreach (var line in ComparedLines.Append(OursLine).Append(OursLine + ", cluster mutual TLS on"))
            {
                // | line | events | seconds | events/s |
                Assert.Matches(new Regex(@"^\| " + Regex.Escape(line) + @" \| [1-9][\d,]* \| \d+\.\d\d \| [1-9][\d,]* \|", RegexOptions.Multiline), report);
            }

            foreach (var line in new[] { ComparedLines[2], OursLine })
            {
                // | line | events | seconds | events/s | consumer CPU | PostgreSQL CPU | bytes allocated/event |
                Assert.Matches(new Regex(@"^\| " + Regex.Escape(line) + @" \|( [^|]+ \|){5} [1-9][\d,]* \|", RegexOptions.Multiline), report);
            }

            foreach (var line in ComparedLines)
            {
                Assert.Matches(new Regex("│ ours / " + Regex.Escape(line) + @"\s*│\s*\d+\.\d\dx\s*│"), stdout);
            }

            foreach (var rate in new[] { "50% of max", "90% of max" })
            {
                // | fixed rate | target | sent | events measured | p50 | p99 | p99.9 | max | seen p50 | seen p99 | seen p99.9 |
                // Kafka's part p50 / p99 | end to end p50 / p99 |
                Assert.Matches(new Regex(@"^\| " + Regex.Escape(rate) + @" \| [\d,]+ \| [\d,]+ \| [1-9][\d,]* \|( \d+\.\d \|){7}( \d+ / \d+ \|){2}$", RegexOptions.Multiline), report);
            }

            Assert.Matches(new Regex(@"peak RSS \(VmHWM\), start \+ drain\s*│\s*[1-9]\d*\s*│"), stdout);
            Assert.Contains("## ratios", report, StringComparison.Ordinal);
            Assert.Contains("small run", report, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(markdown);
        }
    }
}
