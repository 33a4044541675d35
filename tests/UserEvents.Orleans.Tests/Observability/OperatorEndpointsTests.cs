using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>What an operator sees on a real silo process that has ingested events: readiness, Prometheus metrics, the page.</summary>
[Collection(nameof(ProcessTests))]
public sealed partial class OperatorEndpointsTests(IngestingSiloFixture silo, ITestOutputHelper output) : IClassFixture<IngestingSiloFixture>, IDisposable
{
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task Live_and_ready_are_200_with_orleans_postgresql_and_kafka_healthy()
    {
        using var live = await http.GetAsync(silo.Address("/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await http.GetAsync(silo.Address("/health/ready"));
        var body = await ready.Content.ReadAsStringAsync();
        output.WriteLine(body);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var report = HealthReportJson.Parse(body);
        Assert.Equal("Healthy", report.Status);
        Assert.Equal(["kafka", "kafka-checkpoints", "kafka-partitions", "kafka-receivers", "orleans", "postgresql"], report.Checks.Keys.Order());
        Assert.All(report.Checks.Values, check => Assert.Equal("Healthy", check.Status));
        Assert.Contains("is Active", report.Checks["orleans"].Description);
        Assert.Contains("has 6 partitions", report.Checks["kafka"].Description);
    }

    [Fact]
    public async Task Metrics_show_each_postgresql_pool_of_the_silo_by_its_purpose()
    {
        var text = await http.GetStringAsync(silo.Address("/metrics"));

        var pools = PoolName().Matches(text).Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Superset(new HashSet<string> { "writer", "membership", "health" }, pools);
    }

    [Fact]
    public async Task Metrics_parse_in_promtool_and_our_series_pass_its_lint_and_report_every_readiness_check()
    {
        var text = await http.GetStringAsync(silo.Address("/metrics"));

        // Everything parses; Orleans' and the runtime's meters carry lint remarks of their own (milliseconds, no help
        // texts) that are not ours to change, so the lint must be clean for our series.
        var all = await PromtoolCheckMetricsAsync(text);
        Assert.DoesNotContain("error while linting", all.Output, StringComparison.Ordinal);
        var ours = await PromtoolCheckMetricsAsync(OurFamilies(text));
        output.WriteLine(ours.Output);
        Assert.True(ours.ExitCode == 0, ours.Output);

        var samples = PrometheusText.Parse(text);
        Assert.Equal(["kafka", "kafka-checkpoints", "kafka-partitions", "kafka-receivers", "orleans", "postgresql"], samples.Series("user_events_health_status").Select(s => CheckOf(s.Labels)).Order());
        Assert.Equal(6, samples.Sum("user_events_health_status"));
    }

    private static async Task<(int ExitCode, string Output)> PromtoolCheckMetricsAsync(string text)
    {
        var result = await ProcessRunner.RunAsync(
            "promtool", ["check", "metrics"], TimeSpan.FromSeconds(60), async stdin => await stdin.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text)));
        return (result.ExitCode, result.StandardOutput + result.StandardError);
    }

    private static string OurFamilies(string text) => string.Join('\n', text.Split('\n').Where(line =>
    {
        var name = line.StartsWith('#') ? line.Split(' ').ElementAtOrDefault(2) ?? "" : line;
        return name.StartsWith("user_events_", StringComparison.Ordinal) || name.StartsWith("kafka_receiver_", StringComparison.Ordinal) || name.StartsWith("kafka_topic_", StringComparison.Ordinal);
    })) + "\n";

    private static string CheckOf(string labels) => CheckLabel().Match(labels).Groups[1].Value;

    [GeneratedRegex("check=\"([a-z-]+)\"")]
    private static partial Regex CheckLabel();

    [Fact]
    public async Task Metrics_show_the_partitions_of_both_tables_and_when_maintenance_last_succeeded()
    {
        var samples = PrometheusText.Parse(await http.GetStringAsync(silo.Address("/metrics")));

        // Legacy, default, and at least the three intervals ahead, per table.
        Assert.All(new[] { "user_events", "user_events_rejected" }, parent =>
            Assert.True(samples.Series("user_events_partitions").Single(s => s.Labels.Contains($"parent=\"{parent}\"", StringComparison.Ordinal)).Value >= 5, parent));
        Assert.Equal(0, samples.Sum("user_events_partitions_default_rows"));
        Assert.InRange(samples.Sum("user_events_partitions_maintenance_last_success_seconds"), DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }

    [Fact]
    public async Task Metrics_show_our_instruments_with_values_after_ingestion_and_orleans_and_runtime_series()
    {
        var text = await http.GetStringAsync(silo.Address("/metrics"));
        var samples = PrometheusText.Parse(text);

        Assert.Equal(silo.Totals.Events, samples.Sum("user_events_stored_total"));
        Assert.Equal(silo.Totals.Rejected, samples.Sum("user_events_rejected_total"));
        Assert.Equal(6, samples.Series("user_events_stored_total").Count(s => s.Labels.Contains("partition=", StringComparison.Ordinal)));
        Assert.Equal(IngestingSiloFixture.Produced, samples.Sum("kafka_receiver_records_total"));
        Assert.Equal(IngestingSiloFixture.Produced, samples.Sum("kafka_receiver_batch_size_sum"));
        Assert.Equal(IngestingSiloFixture.Produced, samples.Sum("user_events_flush_size_sum"));
        Assert.True(samples.Sum("user_events_flush_duration_seconds_count") > 0);
        Assert.True(samples.Sum("user_events_flush_duration_seconds_sum") > 0);
        Assert.True(samples.Sum("user_events_end_to_end_latency_seconds_count") > 0);
        Assert.True(samples.Sum("user_events_end_to_end_latency_seconds_sum") > 0);
        Assert.Equal(6, samples.Series("kafka_receiver_lag").Count);
        Assert.Equal(0, samples.Sum("kafka_receiver_lag"));
        Assert.Contains(samples.Names, name => name.StartsWith("orleans_", StringComparison.Ordinal));
        Assert.Contains(samples.Names, name => name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_page_is_at_the_root_with_its_own_script_and_style_and_the_dashboard_stays_at_dashboard()
    {
        using var page = await http.GetAsync(silo.Address("/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<title>UserEvents.Orleans · Ingestion</title>", html);
        Assert.DoesNotContain("://", html, StringComparison.Ordinal);

        foreach (var asset in ScriptOrStyle().Matches(html).Select(m => m.Groups[1].Value))
        {
            using var response = await http.GetAsync(silo.Address(asset));
            Assert.True(response.IsSuccessStatusCode, $"{asset}: {response.StatusCode}");
        }

        using var dashboard = await http.GetAsync(silo.Address("/dashboard"));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task The_page_on_the_real_silo_shows_what_postgresql_holds()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(silo.Address("/").ToString());
        await page.WaitForSelectorAsync("body[data-state=live]", new PageWaitForSelectorOptions { Timeout = 10_000 });

        Assert.Equal(silo.Totals.Events.ToString("N0", CultureInfo.InvariantCulture), await page.Locator("#events-stored").TextContentAsync());
        Assert.Equal(silo.Totals.Rejected.ToString("N0", CultureInfo.InvariantCulture), await page.Locator("#events-rejected").TextContentAsync());
        Assert.Equal(6, await page.Locator("#partitions-body tr[data-partition]").CountAsync());
        Assert.Contains("click", await page.Locator("#event-types").InnerTextAsync());
        var screenshot = Path.Combine(RepositoryPaths.Root, ".local", "ingestion-page-silo.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot });
        if (Environment.GetEnvironmentVariable("UPDATE_DOCS_SCREENSHOT") == "1")
        {
            File.Copy(screenshot, Path.Combine(RepositoryPaths.Root, "docs", "ingestion-page.png"), overwrite: true);
        }
    }

    [GeneratedRegex("(?:src|href)=\"(/ingestion-page/[^\"]+)\"")]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"^db_client_connection_[a-z_]+\{[^}]*db_client_connection_pool_name=""([a-z]+)""", RegexOptions.Multiline)]
    private static partial Regex PoolName();
}
