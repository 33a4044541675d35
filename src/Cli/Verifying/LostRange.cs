namespace UserEvents.Orleans.Cli.Verifying;

/// <summary>A 'lost' ledger range, with the reason of the reset that wrote it when one matches.</summary>
public sealed record LostRange(int Partition, int Generation, long FromOffset, long ToOffset, string? Reason);
