using System.Buffers;
using System.Net.Sockets;

namespace UserEvents.Orleans.LocalKafka.Relay;

/// <summary>
/// One client connection relayed to a broker listener: two pumps copy bytes each way with large pooled
/// buffers. End of stream on one side is passed on as a half-close; an error on either side closes both.
/// </summary>
internal sealed class RelayedConnection : IDisposable
{
    private const int BufferSize = 256 * 1024;

    private readonly Socket client;
    private readonly Socket broker;
    private long bytesFromClient;
    private long bytesFromBroker;

    public RelayedConnection(Socket client, Socket broker)
    {
        this.client = client;
        this.broker = broker;
        client.NoDelay = true;
        broker.NoDelay = true;
    }

    public long BytesFromClient => Interlocked.Read(ref bytesFromClient);

    public long BytesFromBroker => Interlocked.Read(ref bytesFromBroker);

    /// <summary>Copies both ways until both sides have closed or one fails, then closes both sockets.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var toBroker = PumpAsync(client, broker, isFromClient: true, abort.Token);
        var toClient = PumpAsync(broker, client, isFromClient: false, abort.Token);

        var first = await Task.WhenAny(toBroker, toClient);
        if (!await first)
        {
            // A reset or a cancellation: nothing more can flow the other way either.
            await abort.CancelAsync();
        }

        await Task.WhenAll(toBroker, toClient);
        Dispose();
    }

    public void Dispose()
    {
        client.Dispose();
        broker.Dispose();
    }

    /// <summary>Copies until end of stream (returns true, after half-closing <paramref name="to"/>) or a failure (false).</summary>
    private async Task<bool> PumpAsync(Socket from, Socket to, bool isFromClient, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellationToken);
                if (received == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return true;
                }

                for (var sent = 0; sent < received;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, received - sent), SocketFlags.None, cancellationToken);
                }

                Interlocked.Add(ref isFromClient ? ref bytesFromClient : ref bytesFromBroker, received);
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
