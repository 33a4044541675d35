using UserEvents.Orleans.Benchmarks.Cli;
using UserEvents.Orleans.Benchmarks.Measuring;

namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>Everything one run measured, filled in as the scenarios finish.</summary>
public sealed class BenchmarkReport(MachineDescription machine, BenchmarkPlan plan, string runId)
{
    public MachineDescription Machine { get; } = machine;

    public BenchmarkPlan Plan { get; } = plan;

    public string RunId { get; } = runId;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.Now;

    public string LoadAverageAtStart { get; } = MachineDescription.LoadAverage();

    public string LoadAverageAtEnd { get; set; } = "";

    public TimeSpan Elapsed { get; set; }

    public List<ThroughputResult> Limits { get; } = [];

    public List<ThroughputResult> Peers { get; } = [];

    public ThroughputResult? SiloDrain { get; set; }

    /// <summary>A fresh silo draining a backlog produced before it started.</summary>
    public ThroughputResult? SiloPrefilledDrain { get; set; }

    /// <summary>The same drain by a silo with mutual TLS (--cluster-tls), or null.</summary>
    public ThroughputResult? SiloDrainClusterTls { get; set; }

    public List<LatencyResult> SiloLatencies { get; } = [];

    /// <summary>The silo's peak RSS (VmHWM) after the drain, and at the end of the latency runs.</summary>
    public ProcessMemory? SiloMemoryAfterDrain { get; set; }

    public ProcessMemory? SiloMemoryAtEnd { get; set; }

    public bool AllSucceeded =>
        Limits.Concat(Peers).All(r => r.Succeeded) && SiloDrain?.Succeeded != false && SiloPrefilledDrain?.Succeeded != false && SiloDrainClusterTls?.Succeeded != false && SiloLatencies.All(r => r.Succeeded);

    /// <summary>ours / each limit and ours / each peer (null when either side is missing or failed).</summary>
    public IReadOnlyList<(string Label, double? Value)> Ratios()
    {
        var ours = SiloDrain is { Succeeded: true } drain ? drain.EventsPerSecond : (double?)null;
        var prefilled = SiloPrefilledDrain is { Succeeded: true } p ? p.EventsPerSecond : (double?)null;
        var others = Limits.Concat(Peers).ToList();
        return others
            .Select(other => ($"ours / {other.Line}", ours is { } o && other.Succeeded ? o / other.EventsPerSecond : (double?)null))
            .Concat(SiloPrefilledDrain is null ? [] : others.Select(other => ($"ours pre-produced / {other.Line}", prefilled is { } o && other.Succeeded ? o / other.EventsPerSecond : (double?)null)))
            .ToList();
    }
}
