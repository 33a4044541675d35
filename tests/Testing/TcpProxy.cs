using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// Forwards connections from a free 127.0.0.1 port to a server. <see cref="StopAsync"/> closes the port and every forwarded
/// connection: to its clients the server looks stopped, while the real one (shared by other tests) keeps running.
/// What the client sends is copied to the server as it comes, unless a <c>clientToServer</c> forwarder is given
/// (e.g. one that holds the client's bytes back to make it look frozen).
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> sockets = new();
    private readonly Func<Stream, Stream, CancellationToken, Task> clientToServer;
    private Task acceptLoop = Task.CompletedTask;

    private TcpProxy(IPEndPoint target, Func<Stream, Stream, CancellationToken, Task> clientToServer)
    {
        this.target = target;
        this.clientToServer = clientToServer;
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <param name="host">The server's IP address.</param>
    /// <param name="port">The server's port.</param>
    /// <param name="clientToServer">Forwards one connection's client stream to its server stream until either ends; a plain copy by default.</param>
    public static TcpProxy Start(string host, int port, Func<Stream, Stream, CancellationToken, Task>? clientToServer = null)
    {
        var proxy = new TcpProxy(new IPEndPoint(IPAddress.Parse(host), port), clientToServer ?? ((client, server, ct) => client.CopyToAsync(server, ct)));
        proxy.listener.Start();
        proxy.acceptLoop = proxy.AcceptAsync();
        return proxy;
    }

    public async Task StopAsync()
    {
        if (stopping.IsCancellationRequested)
        {
            return;
        }

        await stopping.CancelAsync();
        listener.Stop();
        foreach (var socket in sockets.Keys)
        {
            socket.Dispose();
        }

        await acceptLoop;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
        sockets.TryAdd(client, 0);
        sockets.TryAdd(server, 0);
        try
        {
            await server.ConnectAsync(target, stopping.Token);
            await using var clientStream = new NetworkStream(client, ownsSocket: false);
            await using var serverStream = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(clientToServer(clientStream, serverStream, stopping.Token), serverStream.CopyToAsync(clientStream, stopping.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            sockets.TryRemove(client, out _);
            sockets.TryRemove(server, out _);
            client.Dispose();
            server.Dispose();
        }
    }
}
