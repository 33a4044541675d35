using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Options of <c>user-events produce</c>.</summary>
public sealed class ProduceSettings : CommandSettings
{
    [CommandOption("-b|--brokers <SERVERS>")]
    [Description("Kafka bootstrap servers [grey](env KAFKA_BROKER, default localhost:9092)[/]")]
    public string Brokers { get; init; } = EnvironmentDefaults.Brokers;

    [CommandOption("-t|--topic <TOPIC>")]
    [Description("Topic to produce to [grey](env KAFKA_TOPIC, default user-events)[/]")]
    public string Topic { get; init; } = EnvironmentDefaults.Topic;

    [CommandOption("-n|--count <N>")]
    [Description("Events to produce; 0 = until Ctrl+C")]
    [DefaultValue(0L)]
    public long Count { get; init; }

    [CommandOption("-r|--rate <EVENTS_PER_SECOND>")]
    [Description("Average rate; 0 = as fast as possible")]
    [DefaultValue(1000.0)]
    public double Rate { get; init; } = 1000;

    [CommandOption("--malformed-percent <PERCENT>")]
    [Description("Share of malformed values (bad JSON, missing field, wrong type, out-of-range id, too-long event_type, empty)")]
    [DefaultValue(0.0)]
    public double MalformedPercent { get; init; }

    [CommandOption("--seed <SEED>")]
    [Description("Seed of the event sequence, for reproducible runs [grey](default: random)[/]")]
    public int? Seed { get; init; }

    public override ValidationResult Validate()
    {
        if (EnvironmentDefaults.KafkaErrors is [_, ..] environmentErrors)
        {
            return ValidationResult.Error(string.Join(Environment.NewLine, environmentErrors));
        }

        if (string.IsNullOrWhiteSpace(Brokers))
        {
            return ValidationResult.Error("--brokers must not be empty");
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            return ValidationResult.Error("--topic must not be empty");
        }

        if (Count < 0)
        {
            return ValidationResult.Error("--count must be 0 (until Ctrl+C) or more");
        }

        if (Rate < 0 || !double.IsFinite(Rate))
        {
            return ValidationResult.Error("--rate must be 0 (unlimited) or a positive number of events per second");
        }

        if (MalformedPercent is < 0 or > 100 || double.IsNaN(MalformedPercent))
        {
            return ValidationResult.Error("--malformed-percent must be between 0 and 100");
        }

        return ValidationResult.Success();
    }
}
