using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace UserEvents.Orleans.LocalKafka.Native;

/// <summary>
/// Reaches the native <c>rd_kafka_t*</c> of a Confluent.Kafka client. Confluent.Kafka keeps it internal
/// (<c>Handle.LibrdkafkaHandle</c>, a SafeHandle), so it is read by reflection.
/// </summary>
internal static class KafkaClientHandle
{
    private const string HandlePropertyName = "LibrdkafkaHandle";

    /// <summary>
    /// The <c>rd_kafka_t*</c> of <paramref name="client"/>. It stays valid while the client is not disposed;
    /// the caller keeps the client alive for as long as it uses the pointer.
    /// </summary>
    public static nint GetRdKafkaPointer(IClient client)
    {
        var handle = client.Handle;
        var property = typeof(Handle).GetProperty(HandlePropertyName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        var safeHandle = property?.GetValue(handle) as SafeHandle
            ?? FirstSafeHandleField(handle)
            ?? throw new InvalidOperationException(
                $"Confluent.Kafka {typeof(Handle).Assembly.GetName().Version} has no {nameof(Handle)}.{HandlePropertyName}: update {nameof(KafkaClientHandle)}");

        if (safeHandle.IsInvalid || safeHandle.IsClosed)
        {
            throw new InvalidOperationException("The Kafka client handle is closed");
        }

        return safeHandle.DangerousGetHandle();
    }

    /// <summary>Fallback for a renamed member: the only SafeHandle stored in a field of <see cref="Handle"/>.</summary>
    private static SafeHandle? FirstSafeHandleField(Handle handle) =>
        typeof(Handle).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(field => typeof(SafeHandle).IsAssignableFrom(field.FieldType))
            .Select(field => field.GetValue(handle) as SafeHandle)
            .FirstOrDefault(value => value is not null);
}
