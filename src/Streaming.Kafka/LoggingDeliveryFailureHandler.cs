using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansKafka.Streaming;

/// <summary>
/// Called by the pulling agent when it gives up on a batch. With an unlimited MaxEventDeliveryTime that never
/// happens; if it does, the skipped range is reported loudly and the receiver re-reads it once the checkpoint stalls.
/// </summary>
internal sealed partial class LoggingDeliveryFailureHandler(ILogger<LoggingDeliveryFailureHandler> logger) : IStreamFailureHandler
{
    public bool ShouldFaultSubsriptionOnError => false;

    public Task OnDeliveryFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogDeliveryFailure(streamProviderName, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    public Task OnSubscriptionFailure(GuidId subscriptionId, string streamProviderName, StreamId streamIdentity, StreamSequenceToken? sequenceToken)
    {
        LogSubscriptionFailure(streamProviderName, streamIdentity, sequenceToken);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 3060, Level = LogLevel.Critical, Message = "Stream provider {Provider} gave up delivering {Stream} at {Token}; nothing was stored for it, the receiver will re-read it from the checkpoint")]
    private partial void LogDeliveryFailure(string provider, StreamId stream, StreamSequenceToken? token);

    [LoggerMessage(EventId = 3061, Level = LogLevel.Error, Message = "Stream provider {Provider} could not subscribe to {Stream} at {Token}")]
    private partial void LogSubscriptionFailure(string provider, StreamId stream, StreamSequenceToken? token);
}
