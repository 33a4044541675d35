using Orleans;
using Orleans.Runtime;

namespace Orleans.Configuration;

/// <summary>Stops the silo at start when the Kafka stream provider's settings cannot work, naming the setting.</summary>
public sealed class KafkaStreamOptionsValidator(KafkaStreamOptions options, string providerName) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        foreach (var error in Validate(options))
        {
            throw new OrleansConfigurationException($"Kafka stream provider '{providerName}': {error}");
        }
    }

    /// <summary>Every problem with the options, each naming its setting; empty when they are valid.</summary>
    public static IEnumerable<string> Validate(KafkaStreamOptions options)
    {
        foreach (var problem in options.Connection.Validate().Concat(OptionRanges.Problems(options)))
        {
            yield return problem;
        }

        if (string.IsNullOrWhiteSpace(options.Topic))
        {
            yield return $"{nameof(KafkaStreamOptions.Topic)} is empty";
        }
        else if (options.Topic.Length > 249 || options.Topic.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            yield return $"{nameof(KafkaStreamOptions.Topic)} '{options.Topic}' is not a legal Kafka topic name (letters, digits, '.', '_', '-'; at most 249)";
        }

        if (string.IsNullOrWhiteSpace(options.StreamNamespace))
        {
            yield return $"{nameof(KafkaStreamOptions.StreamNamespace)} is empty";
        }

        if (!Enum.IsDefined(options.IsolationLevel))
        {
            yield return $"{nameof(KafkaStreamOptions.IsolationLevel)} must be ReadCommitted or ReadUncommitted";
        }

        if (!Enum.IsDefined(options.StartingOffsets))
        {
            yield return $"{nameof(KafkaStreamOptions.StartingOffsets)} must be Earliest or Latest";
        }

        if (options.StartRetryMinDelay <= TimeSpan.Zero || options.StartRetryMaxDelay < options.StartRetryMinDelay)
        {
            yield return $"{nameof(KafkaStreamOptions.StartRetryMinDelay)} must be positive and at most {nameof(KafkaStreamOptions.StartRetryMaxDelay)}";
        }

        if (options.CheckpointProbeInterval <= TimeSpan.Zero)
        {
            yield return $"{nameof(KafkaStreamOptions.CheckpointProbeInterval)} must be positive";
        }

        if (options.StalledCheckpointReportAfter <= TimeSpan.Zero)
        {
            yield return $"{nameof(KafkaStreamOptions.StalledCheckpointReportAfter)} must be positive";
        }

        if (options.StalledCheckpointTimeout < options.CheckpointProbeInterval)
        {
            yield return $"{nameof(KafkaStreamOptions.StalledCheckpointTimeout)} must be at least {nameof(KafkaStreamOptions.CheckpointProbeInterval)}";
        }

        if (options.MinDeliveryRetryDelay <= TimeSpan.Zero || options.MaxDeliveryRetryDelay < options.MinDeliveryRetryDelay)
        {
            yield return $"{nameof(KafkaStreamOptions.MinDeliveryRetryDelay)} must be positive and at most {nameof(KafkaStreamOptions.MaxDeliveryRetryDelay)}";
        }

        if (options.MetadataTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(KafkaStreamOptions.MetadataTimeout)} must be positive";
        }

        foreach (var key in options.ClientSettings.Keys.Where(KafkaClientConfig.IsOwnedByProvider))
        {
            yield return $"{nameof(KafkaStreamOptions.ClientSettings)} may not set '{key}': the provider owns it";
        }
    }
}
