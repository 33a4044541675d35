using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using Orleans.Streams.Core;
using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Grains.Consuming;

/// <summary>
/// Implicitly subscribed to one partition stream; placed on the silo whose pulling agent first calls it. The agent
/// delivers the batches waiting in its cache together (up to the pulling agent's BatchContainerBatchSize); they go to the
/// local writer in one call and are awaited, so the agent delivers the partition's next batches only after these are
/// stored, and retries these (forever) when storing fails.
/// </summary>
[ImplicitStreamSubscription(StreamNames.UserEventsNamespace)]
[PreferLocalPlacement]
public sealed partial class PartitionConsumerGrain(ILogger<PartitionConsumerGrain> logger, ILocalSiloDetails silo)
    : Grain, IPartitionConsumerGrain, IStreamSubscriptionObserver, IAsyncBatchObserver<UserEventBatch>
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Stream of partition {Partition} reported an error")]
    private partial void LogStreamError(Exception exception, int partition);
}
