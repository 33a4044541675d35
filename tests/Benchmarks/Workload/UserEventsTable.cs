using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace UserEvents.Orleans.Benchmarks.Workload;

/// <summary>How every scenario writes <c>user_events</c>: the same columns and types as the silo's committer.</summary>
public static class UserEventsTable
{
    public const string Columns = "user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset";

    public const int ColumnCount = 7;

    /// <summary>The silo's COPY command (src/Postgres/Events/PostgresBatchCommitter.cs).</summary>
    public const string CopyCommand = $"COPY user_events ({Columns}) FROM STDIN (FORMAT BINARY)";

    /// <summary><c>INSERT INTO user_events (...) VALUES ($1..$7), ($8..$14), ...</c> with <paramref name="rows"/> rows of parameters.</summary>
    public static string InsertCommand(int rows)
    {
        var sql = new StringBuilder($"INSERT INTO user_events ({Columns}) VALUES ");
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ",(");
            for (var column = 1; column <= ColumnCount; column++)
            {
                sql.Append(column == 1 ? "$" : ",$").Append((row * ColumnCount) + column);
            }

            sql.Append(')');
        }

        return sql.ToString();
    }

    /// <summary>Adds the typed parameters of <paramref name="rows"/> rows to <paramref name="command"/>.</summary>
    public static void AddParameters(NpgsqlCommand command, int rows)
    {
        for (var row = 0; row < rows; row++)
        {
            command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<string> { NpgsqlDbType = NpgsqlDbType.Varchar });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { NpgsqlDbType = NpgsqlDbType.TimestampTz });
            command.Parameters.Add(new NpgsqlParameter<int> { NpgsqlDbType = NpgsqlDbType.Integer });
            command.Parameters.Add(new NpgsqlParameter<long> { NpgsqlDbType = NpgsqlDbType.Bigint });
        }
    }

    /// <summary>Sets the parameters of row <paramref name="row"/> of a command made by <see cref="AddParameters"/>.</summary>
    public static void SetRow(NpgsqlCommand command, int row, in EventRow value, DateTimeOffset processedAt)
    {
        var first = row * ColumnCount;
        ((NpgsqlParameter<int>)command.Parameters[first]).TypedValue = value.UserId;
        ((NpgsqlParameter<int>)command.Parameters[first + 1]).TypedValue = value.MovieId;
        ((NpgsqlParameter<string>)command.Parameters[first + 2]).TypedValue = value.EventType;
        ((NpgsqlParameter<DateTimeOffset>)command.Parameters[first + 3]).TypedValue = value.EventTime;
        ((NpgsqlParameter<DateTimeOffset>)command.Parameters[first + 4]).TypedValue = processedAt;
        ((NpgsqlParameter<int>)command.Parameters[first + 5]).TypedValue = value.Partition;
        ((NpgsqlParameter<long>)command.Parameters[first + 6]).TypedValue = value.Offset;
    }

    /// <summary>Writes one row to a binary COPY, as the silo's committer does.</summary>
    public static void WriteRow(NpgsqlBinaryImporter importer, in EventRow row, DateTimeOffset processedAt)
    {
        importer.StartRow();
        importer.Write(row.UserId, NpgsqlDbType.Integer);
        importer.Write(row.MovieId, NpgsqlDbType.Integer);
        importer.Write(row.EventType, NpgsqlDbType.Varchar);
        importer.Write(row.EventTime, NpgsqlDbType.TimestampTz);
        importer.Write(processedAt, NpgsqlDbType.TimestampTz);
        importer.Write(row.Partition, NpgsqlDbType.Integer);
        importer.Write(row.Offset, NpgsqlDbType.Bigint);
    }
}
