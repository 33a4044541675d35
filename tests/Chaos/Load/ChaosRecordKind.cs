namespace UserEvents.Orleans.Chaos.Load;

/// <summary>What a produced record is, and so whether it must end in <c>user_events</c> or as a dead letter.</summary>
public enum ChaosRecordKind
{
    /// <summary>A valid event keyed by its user_id.</summary>
    Valid,

    /// <summary>A valid event without a key: the key is not part of the event, so it is stored like any other.</summary>
    ValidWithNullKey,

    /// <summary>Not JSON: a valid event cut short.</summary>
    BadJson,

    /// <summary>The timestamp field is absent.</summary>
    MissingField,

    /// <summary>user_id is a string.</summary>
    WrongType,

    /// <summary>movie_id past int.MaxValue.</summary>
    OutOfIntRange,

    /// <summary>An event_type of 10 KB.</summary>
    HugeEventType,

    /// <summary>Bytes that are not UTF-8 inside the event_type string.</summary>
    InvalidUtf8,

    /// <summary>A zero-length value.</summary>
    EmptyValue,

    /// <summary>No key and no value (a tombstone).</summary>
    NullKeyAndValue,
}
