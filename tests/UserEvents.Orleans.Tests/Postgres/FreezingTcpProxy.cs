namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// A <see cref="TcpProxy"/> that can make the client look frozen to the server (as a SIGSTOPped or paused process does):
/// once the client sends a given text, nothing more it sends reaches the server, and the connection stays open.
/// <see cref="Thaw"/> forwards what was held back and carries on.
/// </summary>
public sealed class FreezingTcpProxy : IAsyncDisposable
{
    private readonly TaskCompletionSource frozen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource thawed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpProxy proxy = null!;
    private byte[]? marker;
    private bool forwardMarker;

    private FreezingTcpProxy()
    {
    }

    public int Port => proxy.Port;

    /// <summary>Completes when the client has been frozen.</summary>
    public Task Frozen => frozen.Task;

    public static FreezingTcpProxy Start(string host, int port)
    {
        var freezing = new FreezingTcpProxy();
        freezing.proxy = TcpProxy.Start(host, port, freezing.ClientToServerAsync);
        return freezing;
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
        await proxy.DisposeAsync();
    }

    private async Task ClientToServerAsync(Stream client, Stream server, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await client.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }

            var chunk = buffer.AsMemory(0, read);
            if (marker is { } text && !frozen.Task.IsCompleted && chunk.Span.IndexOf(text) >= 0)
            {
                if (forwardMarker)
                {
                    await server.WriteAsync(chunk, cancellationToken);
                    chunk = Memory<byte>.Empty;
                }

                frozen.TrySetResult();
                await thawed.Task.WaitAsync(cancellationToken);
            }

            await server.WriteAsync(chunk, cancellationToken);
        }
    }
}
