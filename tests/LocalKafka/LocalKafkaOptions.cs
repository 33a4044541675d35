using System.Globalization;
using System.Text.RegularExpressions;

namespace UserEvents.Orleans.LocalKafka;

/// <summary>
/// What the local broker serves: fixed address, topic and partitions. Command-line options win over
/// the environment variables, which win over the defaults.
/// </summary>
internal sealed partial record LocalKafkaOptions(int Port, string Topic, int Partitions, int Brokers, bool Verbose)
{
    public const int DefaultPort = 9092;
    public const string DefaultTopic = "user-events";
    public const int DefaultPartitions = 6;
    public const int DefaultBrokers = 1;
    public const int MaxPartitions = 1000;
    public const int MaxBrokers = 9;

    public const string PortVariable = "LOCAL_KAFKA_PORT";
    public const string TopicVariable = "KAFKA_TOPIC";
    public const string PartitionsVariable = "KAFKA_PARTITIONS";

    public const string Usage = """
        Usage: UserEvents.Orleans.LocalKafka [options]

        Hosts librdkafka's mock Kafka cluster on 127.0.0.1:PORT (one port per broker: PORT, PORT+1, ...).

          --port N         fixed port of broker 1 (env LOCAL_KAFKA_PORT, default 9092)
          --topic NAME     topic created at start (env KAFKA_TOPIC, default user-events)
          --partitions N   partitions of that topic (env KAFKA_PARTITIONS, default 6)
          --brokers N      number of mock brokers (default 1)
          -v, --verbose    log every connection and librdkafka debug messages
          -h, --help       show this help

        Prints "READY bootstrap=127.0.0.1:PORT topic=TOPIC partitions=N" on stdout when it serves,
        logs on stderr, stops on SIGTERM or Ctrl+C. Nothing is kept after a stop.
        """;

    /// <summary>First fixed port; broker N listens on <c>Port + N - 1</c>.</summary>
    public string BootstrapServers => $"127.0.0.1:{Port}";

    /// <summary>Parses the command line over the environment; <c>null</c> means help was asked for.</summary>
    /// <exception cref="OptionsException">An option is unknown, lacks a value or has an invalid one.</exception>
    public static LocalKafkaOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var port = ParseInt(environment(PortVariable), $"{PortVariable} (--port)") ?? DefaultPort;
        var topic = environment(TopicVariable) is { Length: > 0 } envTopic ? envTopic : DefaultTopic;
        var partitions = ParseInt(environment(PartitionsVariable), $"{PartitionsVariable} (--partitions)") ?? DefaultPartitions;
        var brokers = DefaultBrokers;
        var verbose = false;

        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = SplitOption(args[i]);
            switch (name)
            {
                case "-h" or "--help":
                    return null;
                case "-v" or "--verbose":
                    verbose = true;
                    break;
                case "--port":
                    port = ParseInt(inlineValue ?? NextValue(args, ref i, name), name)!.Value;
                    break;
                case "--topic":
                    topic = inlineValue ?? NextValue(args, ref i, name);
                    break;
                case "--partitions":
                    partitions = ParseInt(inlineValue ?? NextValue(args, ref i, name), name)!.Value;
                    break;
                case "--brokers":
                    brokers = ParseInt(inlineValue ?? NextValue(args, ref i, name), name)!.Value;
                    break;
                default:
                    throw new OptionsException($"unknown option '{args[i]}' (see --help)");
            }
        }

        var options = new LocalKafkaOptions(port, topic, partitions, brokers, verbose);
        options.Validate();
        return options;
    }

    private void Validate()
    {
        if (Brokers is < 1 or > MaxBrokers)
        {
            throw new OptionsException($"--brokers must be between 1 and {MaxBrokers} (got {Brokers})");
        }

        if (Port < 1 || Port + Brokers - 1 > 65535)
        {
            throw new OptionsException($"--port must be between 1 and {65536 - Brokers} for {Brokers} broker(s) (got {Port})");
        }

        if (Partitions is < 1 or > MaxPartitions)
        {
            throw new OptionsException($"--partitions must be between 1 and {MaxPartitions} (got {Partitions})");
        }

        if (!TopicName().IsMatch(Topic) || Topic is "." or "..")
        {
            throw new OptionsException($"--topic must be 1-249 characters of [a-zA-Z0-9._-], not '.' or '..' (got '{Topic}')");
        }
    }

    private static (string Name, string? InlineValue) SplitOption(string arg)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        return arg.StartsWith("--", StringComparison.Ordinal) && equals > 2 ? (arg[..equals], arg[(equals + 1)..]) : (arg, null);
    }

    private static string NextValue(IReadOnlyList<string> args, ref int i, string name)
    {
        if (i + 1 >= args.Count)
        {
            throw new OptionsException($"{name} needs a value");
        }

        return args[++i];
    }

    private static int? ParseInt(string? value, string name)
    {
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new OptionsException($"{name} must be a whole number (got '{value}')");
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex TopicName();
}
