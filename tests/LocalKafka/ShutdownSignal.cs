using System.Runtime.InteropServices;

namespace UserEvents.Orleans.LocalKafka;

/// <summary>Completes on SIGTERM, SIGINT (Ctrl+C) or SIGQUIT, taking over the runtime's default handling of them.</summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] registrations;

    public ShutdownSignal()
    {
        registrations = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT }.Select(signal => PosixSignalRegistration.Create(signal, OnSignal))];
    }

    /// <summary>The first signal received.</summary>
    public Task<PosixSignal> Received => received.Task;

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        received.TrySetResult(context.Signal);
    }
}
