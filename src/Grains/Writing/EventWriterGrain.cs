using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Grains.Telemetry;
using UserEvents.Orleans.Postgres.Events;

namespace UserEvents.Orleans.Grains.Writing;

/// <summary>
/// One writer per silo (a stateless worker is always local to its caller): it group-commits the batches of every
/// partition consumed on the silo. Reentrant, so batches keep arriving while a flush runs.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
public sealed class EventWriterGrain : Grain, IEventWriterGrain
{
    private readonly GroupCommitter committer;

    public EventWriterGrain(
        PostgresBatchCommitter postgres, IOptions<GroupCommitOptions> options, TimeProvider time, IngestionMetrics metrics, ILogger<EventWriterGrain> logger) =>
        committer = new GroupCommitter(postgres.CommitAsync, options.Value, time, logger, metrics);

    public Task<BatchCommitOutcome[]> WriteAsync(UserEventBatch[] batches, CancellationToken cancellationToken) => committer.WriteAsync(batches, cancellationToken);
}
