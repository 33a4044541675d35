using System.Data.Common;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>The columns of <c>user_events</c> that make a <see cref="StoredEvent"/>, and how to read them.</summary>
internal static class StoredEventColumns
{
    public const string List = "user_id, movie_id, event_type, event_timestamp, kafka_partition, kafka_offset";

    public static async Task<StoredEvent[]> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(
                reader.GetInt32(0),
                reader.GetInt32(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetInt32(4),
                reader.GetInt64(5)));
        }

        return events.ToArray();
    }
}
