using System.Globalization;
using UserEvents.Orleans.Chaos.Scenarios;

namespace UserEvents.Orleans.Chaos.Reporting;

/// <summary>
/// One line per scenario for scripts and the test to read:
/// <c>CHAOS-RESULT scenario=1 produced=N stored=N rejected=N duplicated=N missing=N unexpected=N resumption_s=x peak_rss_mib=N passed=true</c>.
/// </summary>
public static class ResultLine
{
    public const string Prefix = "CHAOS-RESULT";

    public static string Format(ScenarioResult result)
    {
        var r = result.Reconciliation;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Prefix} scenario={result.Number} produced={Value(r?.Produced)} stored={Value(r?.Stored)} rejected={Value(r?.Rejected)} duplicated={Value(r?.Duplicated)} missing={Value(r?.Missing)} unexpected={Value(r?.Unexpected)} resumption_s={(result.Resumption is { } s ? s.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) : "-")} peak_rss_mib={result.PeakSiloRssBytes / 1048576} duration_s={result.Duration.TotalSeconds:F0} passed={(result.Passed ? "true" : "false")}");
    }

    private static string Value(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
