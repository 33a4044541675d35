namespace UserEvents.Orleans.Benchmarks.Cli;

/// <summary>The sizes and switches of one run, resolved from the command line (full-run or --quick defaults).</summary>
public sealed record BenchmarkPlan
{
    public required bool Quick { get; init; }

    public required int Events { get; init; }

    public required int SingleInsertEvents { get; init; }

    public required int Partitions { get; init; }

    public required IReadOnlyList<double> RatePercents { get; init; }

    /// <summary>Absolute latency-run rates (events/s); when set, <see cref="RatePercents"/> is not used.</summary>
    public required IReadOnlyList<double>? FixedRates { get; init; }

    public required TimeSpan LatencyDuration { get; init; }

    public required TimeSpan LatencyWarmup { get; init; }

    public required bool RunLimit { get; init; }

    public required bool RunPeers { get; init; }

    public required bool RunOurs { get; init; }

    public required string PostgresConnectionString { get; init; }

    public required string? OutputPath { get; init; }

    public required bool KeepDatabases { get; init; }

    public required int Seed { get; init; }

    /// <summary>Silo environment variables set with --silo-env (none in a reference run).</summary>
    public required IReadOnlyDictionary<string, string> SiloEnvironment { get; init; }

    /// <summary>Also drain with a silo running mutual TLS (--cluster-tls).</summary>
    public required bool ClusterTls { get; init; }

    /// <summary>Smaller than the 1M-event full run: the results are labelled as a small run.</summary>
    public bool IsSmallRun => Events < 1_000_000;

    public static BenchmarkPlan From(BenchmarkSettings settings)
    {
        var sections = settings.Only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new BenchmarkPlan
        {
            Quick = settings.Quick,
            Events = settings.Events ?? (settings.Quick ? 3_000 : 1_000_000),
            SingleInsertEvents = settings.SingleInsertEvents ?? (settings.Quick ? 300 : 20_000),
            Partitions = settings.Partitions,
            RatePercents = BenchmarkSettings.ParseList(settings.RatePercents)!,
            FixedRates = settings.Rates is null ? null : BenchmarkSettings.ParseList(settings.Rates),
            LatencyDuration = TimeSpan.FromSeconds(settings.LatencySeconds ?? (settings.Quick ? 2 : 30)),
            LatencyWarmup = TimeSpan.FromSeconds(settings.LatencyWarmupSeconds ?? (settings.Quick ? 0.5 : 5)),
            RunLimit = sections.Contains("limit"),
            RunPeers = sections.Contains("peers"),
            RunOurs = sections.Contains("ours"),
            PostgresConnectionString = settings.Postgres,
            OutputPath = settings.Output,
            KeepDatabases = settings.KeepDatabases,
            Seed = settings.Seed,
            ClusterTls = settings.ClusterTls,
            SiloEnvironment = settings.SiloEnvironment
                .Select(v => v.Split('=', 2))
                .ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal),
        };
    }
}
