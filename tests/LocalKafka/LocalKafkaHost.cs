using System.Net;
using Microsoft.Extensions.Logging;
using UserEvents.Orleans.LocalKafka.Relay;

namespace UserEvents.Orleans.LocalKafka;

/// <summary>
/// The mock cluster behind its fixed addresses: broker N is relayed from 127.0.0.1:(port + N - 1) and
/// advertised there in metadata, and the topic is created with the requested partitions.
/// </summary>
internal sealed partial class LocalKafkaHost : IAsyncDisposable
{
    private readonly MockKafkaCluster cluster;
    private readonly List<TcpRelay> relays;
    private readonly ILogger logger;

    private LocalKafkaHost(MockKafkaCluster cluster, List<TcpRelay> relays, ILogger logger)
    {
        this.cluster = cluster;
        this.relays = relays;
        this.logger = logger;
    }

    /// <exception cref="System.Net.Sockets.SocketException">A fixed port is in use.</exception>
    public static async Task<LocalKafkaHost> StartAsync(LocalKafkaOptions options, ILogger logger)
    {
        var cluster = MockKafkaCluster.Start(options.Brokers, options.Verbose, logger);
        var host = new LocalKafkaHost(cluster, [], logger);
        try
        {
            for (var brokerId = 1; brokerId <= options.Brokers; brokerId++)
            {
                var port = options.Port + brokerId - 1;
                host.relays.Add(new TcpRelay(new IPEndPoint(IPAddress.Loopback, port), cluster.BrokerListeners[brokerId - 1], logger));
                cluster.AdvertiseBroker(brokerId, IPAddress.Loopback.ToString(), port);
            }

            // The topic exists before the first client gets in: a client's metadata request (an admin client's allows
            // auto-creation) made it first with the default partition count, and creating it then failed ("Topic
            // already exists") when a restarted broker on the same port met clients still retrying.
            cluster.CreateTopic(options.Topic, options.Partitions, replicationFactor: Math.Min(3, options.Brokers));
            foreach (var relay in host.relays)
            {
                relay.Start();
            }

            cluster.SetGroupInitialRebalanceDelay(TimeSpan.Zero);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Stops in the order that lets clients see plain disconnects: no new connections, then the brokers
    /// (which close theirs through the relays), then whatever relayed connection is left.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        foreach (var relay in relays)
        {
            await relay.StopAcceptingAsync();
        }

        cluster.Dispose();
        foreach (var relay in relays)
        {
            await relay.DisposeAsync();
        }

        LogStopped(logger, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopped in {Milliseconds:F0} ms")]
    private static partial void LogStopped(ILogger logger, double milliseconds);
}
