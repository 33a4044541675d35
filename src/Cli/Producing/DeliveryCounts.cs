namespace UserEvents.Orleans.Cli.Producing;

/// <summary>What the broker acknowledged (or refused) of the records sent so far.</summary>
public sealed record DeliveryCounts(long Sent, long Delivered, long DeliveredMalformed, long Failed, string? FirstError);
