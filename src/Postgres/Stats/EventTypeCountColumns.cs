using System.Data.Common;
using UserEvents.Orleans.Contracts.Stats;

namespace UserEvents.Orleans.Postgres.Stats;

/// <summary>Reads result rows that start with (event_type, count).</summary>
internal static class EventTypeCountColumns
{
    public static EventTypeCount Read(DbDataReader reader) => new(reader.GetString(0), reader.GetInt64(1));
}
