using System.ComponentModel;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UserEvents.Orleans.Benchmarks.Cli;

/// <summary>Command line of the benchmark; sizes left out take the full-run defaults, or the small ones with --quick.</summary>
public sealed class BenchmarkSettings : CommandSettings
{
    public const string PostgresVariable = "USER_EVENTS_BENCH_POSTGRES";
    public const string DefaultPostgres = "Host=127.0.0.1;Port=5433;Username=postgres;Password=postgres;Database=postgres";

    [CommandOption("--quick")]
    [Description("Small sizes (a smoke test: seconds, not minutes)")]
    public bool Quick { get; init; }

    [CommandOption("-n|--events <N>")]
    [Description("Events of the backlog drained by the silo, the Kafka consumer and the batched peer, and rows COPYed [grey](default 1000000; quick 3000)[/]")]
    public int? Events { get; init; }

    [CommandOption("--single-insert-events <N>")]
    [Description("Sample drained by the one-INSERT-per-event peer [grey](default 20000; quick 300)[/]")]
    public int? SingleInsertEvents { get; init; }

    [CommandOption("-p|--partitions <N>")]
    [Description("Partitions of the topic")]
    [DefaultValue(6)]
    public int Partitions { get; init; } = 6;

    [CommandOption("--rate-percents <LIST>")]
    [Description("Fixed rates of the latency runs, in % of the silo's measured drain rate")]
    [DefaultValue("50,90")]
    public string RatePercents { get; init; } = "50,90";

    [CommandOption("--rates <LIST>")]
    [Description("Fixed rates of the latency runs in events/s, instead of --rate-percents (e.g. 10000,20000)")]
    public string? Rates { get; init; }

    [CommandOption("--latency-seconds <SECONDS>")]
    [Description("Measured part of each latency run [grey](default 30; quick 2)[/]")]
    public double? LatencySeconds { get; init; }

    [CommandOption("--latency-warmup-seconds <SECONDS>")]
    [Description("Start of each latency run left out of the percentiles [grey](default 5; quick 0.5)[/]")]
    public double? LatencyWarmupSeconds { get; init; }

    [CommandOption("--only <SECTIONS>")]
    [Description("Run only these sections: limit, peers, ours (comma-separated)")]
    [DefaultValue("limit,peers,ours")]
    public string Only { get; init; } = "limit,peers,ours";

    [CommandOption("--postgres <CONNECTION_STRING>")]
    [Description("PostgreSQL server (a database per scenario is created there and dropped) [grey](env USER_EVENTS_BENCH_POSTGRES, default 127.0.0.1:5433 postgres/postgres)[/]")]
    public string Postgres { get; init; } = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : DefaultPostgres;

    [CommandOption("-o|--output <FILE>")]
    [Description("Also write the results as markdown to FILE")]
    public string? Output { get; init; }

    [CommandOption("--keep-databases")]
    [Description("Keep the scenario databases (bench_SCENARIO_RUNID) for inspection")]
    public bool KeepDatabases { get; init; }

    [CommandOption("--silo-env <NAME=VALUE>")]
    [Description("Set a silo environment variable (repeatable; for experiments: the reference runs use the defaults)")]
    public string[] SiloEnvironment { get; init; } = [];

    [CommandOption("--cluster-tls")]
    [Description("Also drain the backlog with a silo that runs mutual TLS (certificates of a throwaway cluster CA): the line \"..., cluster mutual TLS on\"")]
    public bool ClusterTls { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the event generator (every scenario sends the same events)")]
    [DefaultValue(42)]
    public int Seed { get; init; } = 42;

    public override ValidationResult Validate()
    {
        if (Events is <= 0 || SingleInsertEvents is <= 0)
        {
            return ValidationResult.Error("--events and --single-insert-events must be positive");
        }

        if (Partitions is < 1 or > 1000)
        {
            return ValidationResult.Error("--partitions must be between 1 and 1000");
        }

        if (LatencySeconds is <= 0 || LatencyWarmupSeconds is < 0)
        {
            return ValidationResult.Error("--latency-seconds must be positive and --latency-warmup-seconds not negative");
        }

        if (ParseList(RatePercents) is null || (Rates is not null && ParseList(Rates) is null))
        {
            return ValidationResult.Error("--rate-percents and --rates are comma-separated positive numbers");
        }

        if (SiloEnvironment.Any(v => v.IndexOf('=', StringComparison.Ordinal) < 1))
        {
            return ValidationResult.Error("--silo-env takes NAME=VALUE");
        }

        var sections = Only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (sections.Length == 0 || sections.Any(s => s is not ("limit" or "peers" or "ours")))
        {
            return ValidationResult.Error("--only takes limit, peers and/or ours");
        }

        return ValidationResult.Success();
    }

    /// <summary>Positive numbers separated by commas, or null when the text is not that.</summary>
    public static IReadOnlyList<double>? ParseList(string text)
    {
        var values = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0 || !double.IsFinite(value))
            {
                return null;
            }

            values.Add(value);
        }

        return values.Count == 0 ? null : values;
    }
}
