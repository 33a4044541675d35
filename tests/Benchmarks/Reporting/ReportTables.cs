using System.Globalization;
using UserEvents.Orleans.Benchmarks.Measuring;

namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>Turns a <see cref="BenchmarkReport"/> into the sections and tables both renderers print.</summary>
public static class ReportTables
{
    private static readonly string[] ThroughputHeaders = ["line", "events", "seconds", "events/s", "consumer CPU µs/event", "PostgreSQL CPU µs/event", "consumer bytes allocated/event", "notes"];

    private static readonly string[] LatencyHeaders =
    [
        "fixed rate", "target ev/s", "sent ev/s", "events measured",
        "p50 ms", "p99 ms", "p99.9 ms", "max ms", "seen p50 ms", "seen p99 ms", "seen p99.9 ms",
        "per batch: Kafka's part p50 / p99 ms", "per batch: end to end p50 / p99 ms",
    ];

    public static IReadOnlyList<ReportSection> Build(BenchmarkReport report)
    {
        var sections = new List<ReportSection>();
        if (report.Plan.RunLimit)
        {
            sections.Add(new ReportSection("limit", [Throughput(report.Limits)]));
        }

        if (report.Plan.RunPeers)
        {
            sections.Add(new ReportSection("peers", [Throughput(report.Peers)]));
        }

        if (report.Plan.RunOurs)
        {
            sections.Add(new ReportSection("ours", [
                Throughput(new[] { report.SiloPrefilledDrain, report.SiloDrain, report.SiloDrainClusterTls }.OfType<ThroughputResult>()),
                new ReportTable(LatencyHeaders, report.SiloLatencies.Select(LatencyRow).ToList()),
                new ReportTable(["silo memory", "MiB"], [
                    ["peak RSS (VmHWM), start + drain", Mebibytes(report.SiloMemoryAfterDrain)],
                    ["peak RSS (VmHWM), whole run", Mebibytes(report.SiloMemoryAtEnd)],
                ]),
            ]));
        }

        if (report.Plan.RunOurs && (report.Plan.RunLimit || report.Plan.RunPeers))
        {
            sections.Add(new ReportSection("ratios", [
                new ReportTable(["ratio (events/s)", "value"], report.Ratios().Select(r => (IReadOnlyList<string>)[r.Label, r.Value is { } v ? Format($"{v:F2}x") : "n/a"]).ToList()),
            ]));
        }

        return sections;
    }

    private static ReportTable Throughput(IEnumerable<ThroughputResult> results) =>
        new(ThroughputHeaders, results.Select(ThroughputRow).ToList());

    private static IReadOnlyList<string> ThroughputRow(ThroughputResult r) => r.Succeeded
        ? [
            r.Line, Format($"{r.Events:N0}"), Format($"{r.Elapsed.TotalSeconds:F2}"), Format($"{r.EventsPerSecond:N0}"),
            r.Cpu is { } cpu ? Format($"{cpu.ConsumerMicroseconds:F2}") : "", r.Cpu is { } pg ? Format($"{pg.PostgresMicroseconds:F2}") : "",
            r.AllocatedBytesPerEvent is { } bytes ? Format($"{bytes:N0}") : "", r.Notes,
        ]
        : [r.Line, "failed", "", "", "", "", "", r.Error!];

    private static IReadOnlyList<string> LatencyRow(LatencyResult r) => r.Succeeded
        ? [
            r.Line, Format($"{r.TargetEventsPerSecond:N0}"), Format($"{r.ProducedEventsPerSecond:N0}"), Format($"{r.ProcessedAt.Count:N0}"),
            Ms(r.ProcessedAt.P50Ms), Ms(r.ProcessedAt.P99Ms), Ms(r.ProcessedAt.P999Ms), Ms(r.ProcessedAt.MaxMs),
            Ms(r.Visible.P50Ms), Ms(r.Visible.P99Ms), Ms(r.Visible.P999Ms),
            Pair(r.Stages?.KafkaP50Ms, r.Stages?.KafkaP99Ms), Pair(r.Stages?.EndToEndP50Ms, r.Stages?.EndToEndP99Ms),
        ]
        : [r.Line, Format($"{r.TargetEventsPerSecond:N0}"), "failed", r.Error!, "", "", "", "", "", "", "", "", ""];

    private static string Pair(double? p50, double? p99) => p50 is { } a && p99 is { } b ? Format($"{a:F0} / {b:F0}") : "n/a";

    private static string Ms(double value) => Format($"{value:F1}");

    private static string Mebibytes(ProcessMemory? memory) => memory is null ? "n/a" : Format($"{memory.PeakResidentBytes / 1048576.0:N0}");

    private static string Format(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
