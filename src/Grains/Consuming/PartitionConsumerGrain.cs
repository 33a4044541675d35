using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using UserEvents.Orleans.Contracts;
using OrleansKafka.Streaming.Balancing;

namespace UserEvents.Orleans.Grains.Consuming;

/// <summary>
/// Implicitly subscribed to one partition stream; placed on the silo whose pulling agent first calls it. The agent
/// delivers the batches waiting in its cache together (up to the pulling agent's BatchContainerBatchSize); they go to the
/// local writer in one call and are awaited, so the agent delivers the partition's next batches only after these are
/// stored, and retries these (forever) when storing fails.
/// After its partition's queue moves to another silo, the grain follows it: once a delivery is handled it migrates to
/// the silo that now reads the partition (see docs/ARCHITECTURE.md, "Work follows reads"), so that silo's writer stores it.
/// </summary>
[ImplicitStreamSubscription(StreamNames.UserEventsNamespace)]
[PreferLocalPlacement]
public sealed partial class PartitionConsumerGrain(
    ILogger<PartitionConsumerGrain> logger,
    ILocalSiloDetails silo,
    [FromKeyedServices(StreamNames.KafkaProvider)] KafkaPartitionReaders readers)
    : Grain, IPartitionConsumerGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<UserEventBatch>, IGrainMigrationParticipant
{
    private long batches;
    private long eventsWritten;
    private long rejectionsWritten;
    private long alreadyStored;
    private long gaps;
    private long checkpoint = -1;

    private int Partition => int.Parse(this.GetPrimaryKeyString(), CultureInfo.InvariantCulture);

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<UserEventBatch>().ResumeAsync(this);

    public async Task OnNextAsync(IList<SequentialItem<UserEventBatch>> items)
    {
        var delivered = items.Select(i => i.Item).ToArray();
        var outcomes = await GrainFactory.GetGrain<IEventWriterGrain>(0).WriteAsync(delivered);
        for (var i = 0; i < delivered.Length; i++)
        {
            Account(delivered[i], outcomes[i]);
        }

        FollowReader();
    }

    private void FollowReader()
    {
        var reader = readers.ReaderOf(Partition);
        var here = silo.SiloAddress.ToParsableString();
        if (reader is null || reader == here)
        {
            return;
        }

        LogFollowingReader(Partition, here, reader);
        RequestContext.Set(IPlacementDirector.PlacementHintKey, SiloAddress.FromParsableString(reader));
        this.MigrateOnIdle();
    }

    private void Account(UserEventBatch item, BatchCommitOutcome outcome)
    {
        batches++;
        checkpoint = outcome.Checkpoint;
        switch (outcome.Status)
        {
            case BatchCommitStatus.Committed:
                eventsWritten += outcome.EventsWritten;
                rejectionsWritten += outcome.RejectionsWritten;
                break;
            case BatchCommitStatus.AlreadyStored:
                alreadyStored++;
                LogAlreadyStored(item.Topic, item.Partition, item.FromOffset, item.ToOffset, outcome.Checkpoint);
                break;
            case BatchCommitStatus.Gap:
                gaps++;
                LogGap(item.Topic, item.Partition, item.FromOffset, item.ToOffset, outcome.Checkpoint);
                break;
        }
    }

    // The counters travel with a migration, so a partition's status still accounts for everything it stored.
    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        dehydrationContext.TryAddValue(nameof(batches), batches);
        dehydrationContext.TryAddValue(nameof(eventsWritten), eventsWritten);
        dehydrationContext.TryAddValue(nameof(rejectionsWritten), rejectionsWritten);
        dehydrationContext.TryAddValue(nameof(alreadyStored), alreadyStored);
        dehydrationContext.TryAddValue(nameof(gaps), gaps);
        dehydrationContext.TryAddValue(nameof(checkpoint), checkpoint);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        rehydrationContext.TryGetValue(nameof(batches), out batches);
        rehydrationContext.TryGetValue(nameof(eventsWritten), out eventsWritten);
        rehydrationContext.TryGetValue(nameof(rejectionsWritten), out rejectionsWritten);
        rehydrationContext.TryGetValue(nameof(alreadyStored), out alreadyStored);
        rehydrationContext.TryGetValue(nameof(gaps), out gaps);
        if (!rehydrationContext.TryGetValue(nameof(checkpoint), out checkpoint))
        {
            checkpoint = -1;
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(ex, Partition);
        return Task.CompletedTask;
    }

    public Task<PartitionConsumerStatus> GetStatusAsync() => Task.FromResult(new PartitionConsumerStatus(
        Partition, batches, eventsWritten, rejectionsWritten, alreadyStored, gaps, checkpoint, silo.SiloAddress.ToString()));

    [LoggerMessage(Level = LogLevel.Information, Message = "{Topic}[{Partition}] offsets [{From}, {To}) were already stored (checkpoint {Checkpoint}); skipped")]
    private partial void LogAlreadyStored(string topic, int partition, long from, long to, long checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Topic}[{Partition}] offsets [{From}, {To}) arrived after a gap (checkpoint {Checkpoint}); nothing stored, the receiver re-reads from the checkpoint")]
    private partial void LogGap(string topic, int partition, long from, long to, long checkpoint);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Partition {Partition} is read on silo {Reader}, not here ({Here}); its consumer moves there so that silo's writer stores it")]
    private partial void LogFollowingReader(int partition, string here, string reader);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream of partition {Partition} reported an error")]
    private partial void LogStreamError(Exception exception, int partition);
}
