using UserEvents.Orleans.Contracts;

namespace UserEvents.Orleans.Silo.Security;

/// <summary>
/// The pipeline grains (the writer, the partition consumers) are internal: a call to them from a client (through a
/// gateway) is refused, except the consumers' status, which is a read. Silos call them from grains and from the stream
/// pulling agents, never as clients.
/// </summary>
internal sealed partial class PipelineCallerFilter(ILogger<PipelineCallerFilter> logger, TimeProvider time) : IIncomingGrainCallFilter
{
    private readonly WarningThrottle throttle = new(time, TimeSpan.FromMinutes(5));

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.TargetContext.GrainInstance is IEventWriterGrain or IPartitionConsumerGrain
            && context.InterfaceMethod?.DeclaringType != typeof(IPartitionConsumerGrain)
            && NotFromASilo(context.SourceId))
        {
            var caller = context.SourceId?.ToString() ?? "an unknown caller";
            if (throttle.IsDue(caller))
            {
                LogRefused(logger, context.InterfaceName, context.MethodName, caller);
            }

            throw new UnauthorizedAccessException($"{context.InterfaceName}.{context.MethodName} is internal to the cluster's silos: refused for {caller}");
        }

        return context.Invoke();
    }

    private static bool NotFromASilo(GrainId? source) => source is not { } id || GrainTypePrefix.IsClient(id);

    [LoggerMessage(EventId = 6501, Level = LogLevel.Warning, Message = "Refused {Interface}.{Method} called by {Caller}: the pipeline grains take calls from the cluster's silos only (next warning for this caller in 5 minutes at the earliest)")]
    private static partial void LogRefused(ILogger logger, string @interface, string method, string caller);
}
