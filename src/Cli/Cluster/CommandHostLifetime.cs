using Microsoft.Extensions.Hosting;

namespace UserEvents.Orleans.Cli.Cluster;

/// <summary>
/// The client host's lifetime: it neither waits for nor listens to signals. Ctrl+C and SIGTERM belong to the
/// command line app, which cancels the running command (the default console lifetime would race it).
/// </summary>
internal sealed class CommandHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
