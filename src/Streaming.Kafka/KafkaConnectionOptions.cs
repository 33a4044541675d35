namespace Orleans.Configuration;

/// <summary>
/// How to reach the Kafka cluster: what every Kafka client of the provider (receivers, metadata and watermark readers) and
/// of the application around it shares, apart from what each one reads.
/// </summary>
public sealed class KafkaConnectionOptions
{
    /// <summary>Kafka <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; set; } = "localhost:9092";

    /// <summary>
    /// Further librdkafka settings passed through unchanged to every client
    /// (e.g. <c>security.protocol</c>, <c>sasl.mechanism</c>, <c>sasl.username</c>, <c>ssl.ca.location</c>).
    /// </summary>
    public IDictionary<string, string> ClientSettings { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Every problem with the options, each starting with the name of its setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            yield return $"{nameof(BootstrapServers)} is empty; set it to host:port[,host:port...]";
            yield break;
        }

        foreach (var server in BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
        {
            var colon = server.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(server[(colon + 1)..], out var port) || port is < 1 or > 65535)
            {
                yield return $"{nameof(BootstrapServers)} entry '{server}' is not host:port";
            }
        }
    }

    /// <summary>A copy (the client settings copied too), for a client that adds settings of its own.</summary>
    public KafkaConnectionOptions Clone()
    {
        var copy = new KafkaConnectionOptions { BootstrapServers = BootstrapServers };
        foreach (var (key, value) in ClientSettings)
        {
            copy.ClientSettings[key] = value;
        }

        return copy;
    }
}
