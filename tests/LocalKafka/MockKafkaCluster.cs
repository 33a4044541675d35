using System.Net;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using UserEvents.Orleans.LocalKafka.Native;

namespace UserEvents.Orleans.LocalKafka;

/// <summary>
/// librdkafka's in-process mock Kafka cluster, owned by a host producer made with <c>test.mock.num.brokers</c>.
/// The cluster lives exactly as long as this object: disposing it destroys every broker, topic and offset.
/// </summary>
internal sealed partial class MockKafkaCluster : IDisposable
{
    private readonly IProducer<Null, Null> hostProducer;
    private readonly LibrdkafkaMockApi api;
    private readonly nint mockCluster;
    private readonly ILogger logger;

    private MockKafkaCluster(IProducer<Null, Null> hostProducer, LibrdkafkaMockApi api, nint mockCluster, ILogger logger)
    {
        this.hostProducer = hostProducer;
        this.api = api;
        this.mockCluster = mockCluster;
        this.logger = logger;
        BrokerListeners = ParseBootstraps(api.ClusterBootstraps(mockCluster));
    }

    /// <summary>The brokers' own listeners (kernel-chosen ports); index 0 is broker id 1.</summary>
    public IReadOnlyList<IPEndPoint> BrokerListeners { get; }

    /// <summary>Starts <paramref name="brokers"/> mock brokers on 127.0.0.1 with random ports.</summary>
    public static MockKafkaCluster Start(int brokers, bool verbose, ILogger logger)
    {
        var config = new ProducerConfig
        {
            ClientId = "local-kafka-host",
            Debug = verbose ? "mock" : null,
        };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var hostProducer = new ProducerBuilder<Null, Null>(config)
            .SetLogHandler((_, message) => LogLibrdkafka(logger, ToLogLevel(message.Level), message.Facility, message.Message))
            .SetErrorHandler((_, error) => LogLibrdkafka(logger, LogLevel.Debug, error.Code.ToString(), error.Reason))
            .Build();
        try
        {
            var libraryPath = LoadedLibrdkafka.FindPath();
            var api = LibrdkafkaMockApi.Bind(libraryPath);
            var mockCluster = api.HandleMockCluster(KafkaClientHandle.GetRdKafkaPointer(hostProducer));
            if (mockCluster == 0)
            {
                throw new InvalidOperationException("librdkafka made no mock cluster for test.mock.num.brokers");
            }

            LogBound(logger, libraryPath);
            return new MockKafkaCluster(hostProducer, api, mockCluster, logger);
        }
        catch
        {
            hostProducer.Dispose();
            throw;
        }
    }

    /// <summary>Makes metadata advertise <paramref name="host"/>:<paramref name="port"/> for a broker (ids start at 1).</summary>
    public void AdvertiseBroker(int brokerId, string host, int port)
    {
        api.BrokerSetHostPort(mockCluster, brokerId, host, port);
        LogAdvertised(logger, brokerId, BrokerListeners[brokerId - 1].ToString(), $"{host}:{port}");
    }

    /// <summary>Creates a topic; the mock has no CreateTopics handler, so clients cannot do it themselves.</summary>
    public void CreateTopic(string topic, int partitions, int replicationFactor)
    {
        var error = (ErrorCode)api.TopicCreate(mockCluster, topic, partitions, replicationFactor);
        if (error != ErrorCode.NoError)
        {
            throw new KafkaException(error);
        }
    }

    /// <summary>Consumer groups otherwise wait 3 s before their first rebalance.</summary>
    public void SetGroupInitialRebalanceDelay(TimeSpan delay) =>
        api.GroupInitialRebalanceDelayMs(mockCluster, (int)delay.TotalMilliseconds);

    public void Dispose() => hostProducer.Dispose();

    private static List<IPEndPoint> ParseBootstraps(string bootstraps) =>
        bootstraps.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPEndPoint.Parse).ToList();

    private static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        <= SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        // The host producer's own connection chatter (disconnects while clients come and go) is noise here.
        _ => LogLevel.Debug,
    };

    [LoggerMessage(EventId = 20, Message = "librdkafka {Facility}: {Text}")]
    private static partial void LogLibrdkafka(ILogger logger, LogLevel level, string facility, string text);

    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "Bound to the loaded librdkafka {LibraryPath}")]
    private static partial void LogBound(ILogger logger, string libraryPath);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Broker {BrokerId}: listener {Listener}, advertised as {Advertised}")]
    private static partial void LogAdvertised(ILogger logger, int brokerId, string listener, string advertised);
}
