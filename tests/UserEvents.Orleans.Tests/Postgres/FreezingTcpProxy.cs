using System.Net;
using System.Net.Sockets;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// Forwards one connection at a time from a free 127.0.0.1 port to a server, and can make the client look frozen to the
/// server (as a SIGSTOPped or paused process does): once the client sends a given text, nothing more it sends reaches the
/// server, and the connection stays open. <see cref="Thaw"/> forwards what was held back and carries on.
/// </summary>
public sealed class FreezingTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly TaskCompletionSource frozen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource thawed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Socket> sockets = [];
    private byte[]? marker;
    private bool forwardMarker;
    private Task acceptLoop = Task.CompletedTask;

    private FreezingTcpProxy(IPEndPoint target) => this.target = target;

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Completes when the client has been frozen.</summary>
    public Task Frozen => frozen.Task;

    public static FreezingTcpProxy Start(string host, int port)
    {
        var proxy = new FreezingTcpProxy(new IPEndPoint(IPAddress.Parse(host), port));
        proxy.listener.Start();
        proxy.acceptLoop = proxy.AcceptAsync();
        return proxy;
    }

    /// <summary>
    /// Freezes the client when it sends <paramref name="text"/>: with <paramref name="forwardIt"/> the chunk that carries it
    /// still reaches the server (the server then runs that statement and waits for more), otherwise it does not.
    /// </summary>
    public void FreezeWhenClientSends(string text, bool forwardIt)
    {
        marker = System.Text.Encoding.UTF8.GetBytes(text);
        forwardMarker = forwardIt;
    }

    public void Thaw() => thawed.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Thaw();
        await stopping.CancelAsync();
        listener.Stop();
        lock (sockets)
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        await acceptLoop;
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(SocketType.Stream, ProtocolType.Tcp);
        lock (sockets)
        {
            sockets.Add(client);
            sockets.Add(server);
        }

        try
        {
            await server.ConnectAsync(target, stopping.Token);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var serverStream = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(ClientToServerAsync(clientStream, serverStream), serverStream.CopyToAsync(clientStream, stopping.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task ClientToServerAsync(NetworkStream client, NetworkStream server)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await client.ReadAsync(buffer, stopping.Token);
            if (read == 0)
            {
                return;
            }

            var chunk = buffer.AsMemory(0, read);
            if (marker is { } text && !frozen.Task.IsCompleted && chunk.Span.IndexOf(text) >= 0)
            {
                if (forwardMarker)
                {
                    await server.WriteAsync(chunk, stopping.Token);
                    chunk = Memory<byte>.Empty;
                }

                frozen.TrySetResult();
                await thawed.Task.WaitAsync(stopping.Token);
            }

            await server.WriteAsync(chunk, stopping.Token);
        }
    }
}
