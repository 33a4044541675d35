using UserEvents.Orleans.Chaos.Infrastructure;

namespace UserEvents.Orleans.Chaos.Measuring;

/// <summary>
/// Reads the peak resident memory (VmHWM) of every running silo of a scenario every <c>interval</c> and keeps the
/// largest seen, across restarts: the "peak silo RSS" of the results.
/// </summary>
public sealed class MemorySampler(IReadOnlyList<SiloProcess> silos, TimeSpan interval) : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private long peak;

    /// <summary>The largest peak RSS of any silo so far, in bytes (0 before the first sample).</summary>
    public long PeakBytes => Interlocked.Read(ref peak);

    public void Start() => loop = Task.Run(() => SampleAsync(stop.Token));

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                foreach (var silo in silos)
                {
                    if (ReadPeak(silo) is { } bytes && bytes > Interlocked.Read(ref peak))
                    {
                        Interlocked.Exchange(ref peak, bytes);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>A silo that exits between the check and the read of /proc has no sample.</summary>
    private static long? ReadPeak(SiloProcess silo)
    {
        try
        {
            return silo.ReadPeakResidentBytes();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }
}
