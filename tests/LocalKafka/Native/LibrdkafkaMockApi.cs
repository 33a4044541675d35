using System.Runtime.InteropServices;
using System.Text;

namespace UserEvents.Orleans.LocalKafka.Native;

/// <summary>
/// The experimental mock-cluster functions librdkafka exports (rdkafka_mock.h), bound to one loaded copy of
/// the library by function pointers. Every method takes the <c>rd_kafka_mock_cluster_t*</c> it acts on.
/// </summary>
internal sealed unsafe class LibrdkafkaMockApi
{
    private readonly delegate* unmanaged<nint, nint> handleMockCluster;
    private readonly delegate* unmanaged<nint, nint> clusterBootstraps;
    private readonly delegate* unmanaged<nint, int, byte*, int, void> brokerSetHostPort;
    private readonly delegate* unmanaged<nint, byte*, int, int, int> topicCreate;
    private readonly delegate* unmanaged<nint, int, void> groupInitialRebalanceDelayMs;

    private LibrdkafkaMockApi(nint library)
    {
        handleMockCluster = (delegate* unmanaged<nint, nint>)Export(library, "rd_kafka_handle_mock_cluster");
        clusterBootstraps = (delegate* unmanaged<nint, nint>)Export(library, "rd_kafka_mock_cluster_bootstraps");
        brokerSetHostPort = (delegate* unmanaged<nint, int, byte*, int, void>)Export(library, "rd_kafka_mock_broker_set_host_port");
        topicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export(library, "rd_kafka_mock_topic_create");
        groupInitialRebalanceDelayMs = (delegate* unmanaged<nint, int, void>)Export(library, "rd_kafka_mock_group_initial_rebalance_delay_ms");
    }

    /// <summary>Binds to the librdkafka at <paramref name="libraryPath"/> (already loaded: this only adds a reference).</summary>
    public static LibrdkafkaMockApi Bind(string libraryPath) => new(NativeLibrary.Load(libraryPath));

    /// <summary><c>rd_kafka_handle_mock_cluster</c>: the mock cluster of a client made with test.mock.num.brokers, or 0.</summary>
    public nint HandleMockCluster(nint rdKafka) => handleMockCluster(rdKafka);

    /// <summary><c>rd_kafka_mock_cluster_bootstraps</c>: "host:port,..." of the brokers' own listeners, in broker id order.</summary>
    public string ClusterBootstraps(nint mockCluster) =>
        Marshal.PtrToStringUTF8(clusterBootstraps(mockCluster)) ?? throw new InvalidOperationException("The mock cluster has no bootstrap servers");

    /// <summary><c>rd_kafka_mock_broker_set_host_port</c>: the address metadata advertises for a broker (its listener stays).</summary>
    public void BrokerSetHostPort(nint mockCluster, int brokerId, string host, int port)
    {
        fixed (byte* hostUtf8 = NullTerminatedUtf8(host))
        {
            brokerSetHostPort(mockCluster, brokerId, hostUtf8, port);
        }
    }

    /// <summary><c>rd_kafka_mock_topic_create</c>; returns librdkafka's rd_kafka_resp_err_t (0 = no error).</summary>
    public int TopicCreate(nint mockCluster, string topic, int partitions, int replicationFactor)
    {
        fixed (byte* topicUtf8 = NullTerminatedUtf8(topic))
        {
            return topicCreate(mockCluster, topicUtf8, partitions, replicationFactor);
        }
    }

    /// <summary><c>rd_kafka_mock_group_initial_rebalance_delay_ms</c> (3000 ms unless set).</summary>
    public void GroupInitialRebalanceDelayMs(nint mockCluster, int delayMs) => groupInitialRebalanceDelayMs(mockCluster, delayMs);

    private static nint Export(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new EntryPointNotFoundException($"The loaded librdkafka does not export {name}");

    private static byte[] NullTerminatedUtf8(string value) => Encoding.UTF8.GetBytes(value + "\0");
}
