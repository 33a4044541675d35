using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Verifying;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Options of <c>user-events verify</c>: the Kafka topic, the PostgreSQL it is stored in, and what the deep mode recounts.</summary>
public sealed class VerifySettings : PostgresSettings
{
    [CommandOption("-b|--brokers <SERVERS>")]
    [Description("Kafka bootstrap servers [grey](env KAFKA_BROKER, default localhost:9092)[/]")]
    public string Brokers { get; init; } = EnvironmentDefaults.Brokers;

    [CommandOption("-t|--topic <TOPIC>")]
    [Description("Topic the silos read [grey](env KAFKA_TOPIC, default user-events)[/]")]
    public string Topic { get; init; } = EnvironmentDefaults.Topic;

    [CommandOption("--deep")]
    [Description("Also recount the stored rows of every ledger range through the position index (reads rows: slower)")]
    public bool Deep { get; init; }

    [CommandOption("--partition <N>")]
    [Description("With --deep: recount only this partition")]
    public int? Partition { get; init; }

    [CommandOption("--from <OFFSET>")]
    [Description("With --deep: recount from this offset on (default: each generation's start)")]
    public long? From { get; init; }

    [CommandOption("--to <OFFSET>")]
    [Description("With --deep: recount up to this offset, exclusive (default: each generation's end)")]
    public long? To { get; init; }

    /// <summary>What <c>--deep</c> recounts; null without it.</summary>
    public DeepScope? DeepScope => Deep ? new DeepScope(Partition, From, To) : null;

    public override ValidationResult Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Brokers) || string.IsNullOrWhiteSpace(Topic))
        {
            errors.Add("--brokers and --topic must not be empty");
        }

        if (!Deep && (Partition is not null || From is not null || To is not null))
        {
            errors.Add("--partition, --from and --to need --deep");
        }

        if (Partition < 0)
        {
            errors.Add($"--partition must be 0 or more, not {Partition}");
        }

        if (From < 0 || To < 0 || From >= To)
        {
            errors.Add($"--from and --to must be offsets with --from < --to, not {From?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}..{To?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
        }

        return errors.Count > 0 ? ValidationResult.Error(string.Join(Environment.NewLine, errors)) : base.Validate();
    }
}
