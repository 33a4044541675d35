using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>Options of <c>user-events verify</c>: the Kafka topic and the PostgreSQL it is stored in.</summary>
public sealed class VerifySettings : PostgresSettings
{
    [CommandOption("-b|--brokers <SERVERS>")]
    [Description("Kafka bootstrap servers [grey](env KAFKA_BROKER, default localhost:9092)[/]")]
    public string Brokers { get; init; } = EnvironmentDefaults.Brokers;

    [CommandOption("-t|--topic <TOPIC>")]
    [Description("Topic the silos read [grey](env KAFKA_TOPIC, default user-events)[/]")]
    public string Topic { get; init; } = EnvironmentDefaults.Topic;

    public override ValidationResult Validate() =>
        string.IsNullOrWhiteSpace(Brokers) || string.IsNullOrWhiteSpace(Topic)
            ? ValidationResult.Error("--brokers and --topic must not be empty")
            : base.Validate();
}
