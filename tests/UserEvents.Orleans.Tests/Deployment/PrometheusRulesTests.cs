using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Deployment;

/// <summary>
/// The alert rules we ship (deploy/prometheus) are valid for Prometheus' own tooling and fire when, and only when, their unit
/// tests say so. promtool comes from Debian's prometheus package (scripts/test.sh and .ci/run install it).
/// </summary>
public sealed class PrometheusRulesTests
{
    private static readonly string Folder = Path.Combine(RepositoryPaths.Root, "deploy", "prometheus");

    [Fact]
    public async Task Promtool_accepts_the_alert_rules()
    {
        var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", Path.Combine(Folder, "user-events-alerts.yml")], TimeSpan.FromSeconds(60));

        Assert.True(check.ExitCode == 0, check.StandardOutput + check.StandardError);
        Assert.Contains("SUCCESS: 11 rules found", check.StandardOutput + check.StandardError);
    }

    [Fact]
    public async Task The_alert_rules_pass_their_promtool_unit_tests()
    {
        var test = await ProcessRunner.RunAsync("promtool", ["test", "rules", Path.Combine(Folder, "user-events-alerts.test.yml")], TimeSpan.FromSeconds(60));

        Assert.True(test.ExitCode == 0, test.StandardOutput + test.StandardError);
    }

    [Fact]
    public async Task Promtool_refuses_a_rule_file_with_a_broken_expression()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(Folder, "user-events-alerts.yml"));
        var broken = Path.Combine(Path.GetTempPath(), $"alerts-broken-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(broken, text.Replace("min by (instance) (user_events_health_status) < 1", "min by (instance (user_events_health_status) < 1", StringComparison.Ordinal));
        try
        {
            var check = await ProcessRunner.RunAsync("promtool", ["check", "rules", broken], TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, check.ExitCode);
        }
        finally
        {
            File.Delete(broken);
        }
    }
}
