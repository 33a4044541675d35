using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace UserEvents.Orleans.LocalKafka.Relay;

/// <summary>
/// Listens on a fixed address and relays every connection to a broker listener whose port is random,
/// so clients can be given a stable bootstrap address that survives restarts of the host.
/// </summary>
internal sealed partial class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint target;
    private readonly ILogger logger;
    private readonly Socket listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentDictionary<RelayedConnection, Task> connections = new();
    private Task acceptLoop = Task.CompletedTask;
    private long acceptedCount;
    private volatile bool accepting;

    public TcpRelay(IPEndPoint listenOn, IPEndPoint target, ILogger logger)
    {
        ListenOn = listenOn;
        this.target = target;
        this.logger = logger;
        listener = new Socket(listenOn.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    public IPEndPoint ListenOn { get; }

    /// <summary>Binds and starts accepting.</summary>
    /// <exception cref="SocketException">The address is in use or cannot be bound.</exception>
    public void Start()
    {
        listener.Bind(ListenOn);
        listener.Listen(512);
        accepting = true;
        acceptLoop = AcceptLoopAsync(stopping.Token);
    }

    /// <summary>Closes the listening socket; connections already relayed go on.</summary>
    public async Task StopAcceptingAsync()
    {
        accepting = false;
        listener.Dispose();
        await acceptLoop;
    }

    /// <summary>Stops accepting and closes every relayed connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAcceptingAsync();
        await stopping.CancelAsync();
        foreach (var connection in connections.Keys)
        {
            connection.Dispose();
        }

        await Task.WhenAll(connections.Values);
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (accepting)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken);
            }
            catch (Exception exception) when (!accepting || exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception)
            {
                LogAcceptFailed(logger, ListenOn.ToString(), exception.SocketErrorCode);
                continue;
            }

            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref acceptedCount);
        var clientAddress = client.RemoteEndPoint?.ToString() ?? "?";
        var broker = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await broker.ConnectAsync(target, cancellationToken);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            LogBrokerUnreachable(logger, ListenOn.ToString(), target.ToString(), exception.Message);
            broker.Dispose();
            client.Dispose();
            return;
        }

        var connection = new RelayedConnection(client, broker);
        var started = Stopwatch.GetTimestamp();
        LogOpened(logger, ListenOn.ToString(), number, clientAddress, connections.Count + 1);
        var run = connection.RunAsync(cancellationToken);
        connections[connection] = run;
        await run;
        connections.TryRemove(connection, out _);
        LogClosed(
            logger,
            ListenOn.ToString(),
            number,
            clientAddress,
            Stopwatch.GetElapsedTime(started).TotalSeconds,
            connection.BytesFromClient,
            connection.BytesFromBroker,
            connections.Count);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "{Relay}: connection {Number} from {Client} opened ({Open} open)")]
    private static partial void LogOpened(ILogger logger, string relay, long number, string client, int open);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information,
        Message = "{Relay}: connection {Number} from {Client} closed after {Seconds:F1} s, {BytesIn} B in, {BytesOut} B out ({Open} open)")]
    private static partial void LogClosed(ILogger logger, string relay, long number, string client, double seconds, long bytesIn, long bytesOut, int open);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "{Relay}: cannot reach broker listener {Target}: {Reason}")]
    private static partial void LogBrokerUnreachable(ILogger logger, string relay, string target, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "{Relay}: accept failed: {Error}")]
    private static partial void LogAcceptFailed(ILogger logger, string relay, SocketError error);
}
