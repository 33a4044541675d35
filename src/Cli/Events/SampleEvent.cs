namespace UserEvents.Orleans.Cli.Events;

/// <summary>One Kafka record to produce: the user_id as a decimal string key and the UTF-8 JSON value.</summary>
public sealed record SampleEvent(string Key, byte[] Value, SampleEventKind Kind)
{
    public bool IsMalformed => Kind != SampleEventKind.Valid;
}
