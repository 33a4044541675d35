namespace UserEvents.Orleans.Cli.Events;

/// <summary>What a generated Kafka value is: a valid event or one kind of malformed value a consumer must survive.</summary>
public enum SampleEventKind
{
    /// <summary><c>{"user_id":123,"movie_id":456,"event_type":"click","timestamp":1701234567890}</c>.</summary>
    Valid,

    /// <summary>Not JSON: a valid event cut short.</summary>
    BadJson,

    /// <summary>One of the four fields is absent.</summary>
    MissingField,

    /// <summary>One field has the wrong JSON type (a quoted number, a numeric event_type...).</summary>
    WrongType,

    /// <summary>user_id or movie_id outside the 32-bit signed integer range.</summary>
    OutOfIntRange,

    /// <summary>event_type longer than 50 characters.</summary>
    TooLongEventType,

    /// <summary>A zero-length value.</summary>
    EmptyValue,
}
