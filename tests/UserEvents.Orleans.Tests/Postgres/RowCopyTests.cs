using Npgsql;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Postgres.Events;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Postgres;

/// <summary>
/// The commit path writes PostgreSQL's binary COPY format itself (<c>BinaryCopyWriter</c>): every value PostgreSQL reads
/// back is the one written, at the edges of each type, and a COPY that fails midway leaves nothing behind.
/// </summary>
public sealed class RowCopyTests : IAsyncLifetime
{
    private string connectionString = "";
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        connectionString = await PostgresServer.CreateMigratedDatabaseAsync("rowcopy");
        dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Fact]
    public async Task Events_at_the_edges_of_every_column_type_read_back_as_written()
    {
        UserEvent[] events =
        [
            new(int.MinValue, int.MaxValue, "click", 0, 0),
            new(1, 2, "café ☕ 𝄞 ünïcödé", -86_400_000L * 365 * 100, long.MaxValue),
            new(int.MaxValue, int.MinValue, new string('x', UserEvent.MaxEventTypeLength), 253_402_300_799_999, 1),
            new(7, 8, "v", 1_701_234_567_890, 42),
        ];
        var rows = events.Select((e, i) => new EventRow(0, i, e, LogGeneration: i * 1000)).ToArray();
        // Sub-millisecond ticks: PostgreSQL keeps microseconds.
        var processedAt = new DateTimeOffset(2026, 12, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560);

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await RowCopy.EventsAsync(connection, rows, 0, rows.Length, processedAt, default);
        }

        var read = await ReadAsync(
            "SELECT user_id, movie_id, event_type, event_timestamp, processed_at, kafka_partition, kafka_offset, kafka_log_generation FROM user_events ORDER BY kafka_partition",
            r => (r.GetInt32(0), r.GetInt32(1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5), r.GetInt64(6), r.GetInt32(7)));
        Assert.Equal(
            rows.Select(r => (r.Event.UserId, r.Event.MovieId, r.Event.EventType, r.Event.EventTime, processedAt, r.Partition, r.Event.Offset, r.LogGeneration)),
            read);
    }

    [Fact]
    public async Task Dead_letters_keep_null_empty_and_large_bytes_and_the_reason_as_written()
    {
        var large = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31)).ToArray();
        DeadLetterRow[] rows =
        [
            new(0, 0, new RejectedRecord(0, null, [], "empty value ☕")),
            new(0, 1, new RejectedRecord(long.MaxValue, [0, 255, 10], null, "no value")),
            new(0, 2, new RejectedRecord(5, large, large, new string('r', 70_000)), LogGeneration: 3),
        ];
        var receivedAt = new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero).AddTicks(9_990);

        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await RowCopy.DeadLettersAsync(connection, rows, 0, rows.Length, receivedAt, default);
        }

        var read = await ReadAsync(
            "SELECT kafka_partition, kafka_offset, raw_key, raw_value, reason, received_at, kafka_log_generation FROM user_events_rejected ORDER BY kafka_partition",
            r => (r.GetInt32(0), r.GetInt64(1), r.IsDBNull(2) ? null : (byte[])r[2], r.IsDBNull(3) ? null : (byte[])r[3], r.GetString(4), r.GetFieldValue<DateTimeOffset>(5), r.GetInt32(6)));
        Assert.Equal(rows.Length, read.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].Partition, read[i].Item1);
            Assert.Equal(rows[i].Record.Offset, read[i].Item2);
            Assert.Equal(rows[i].Record.Key, read[i].Item3);
            Assert.Equal(rows[i].Record.Value, read[i].Item4);
            Assert.Equal(rows[i].Record.Reason, read[i].Item5);
            Assert.Equal(receivedAt, read[i].Item6);
            Assert.Equal(rows[i].LogGeneration, read[i].Item7);
        }
    }

    [Fact]
    public async Task A_copy_cancelled_midway_stores_nothing_and_leaves_the_connection_usable()
    {
        var rows = Enumerable.Range(0, 5_000).Select(i => new EventRow(0, 0, new UserEvent(i, i, "click", 1_701_234_567_890, i))).ToArray();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await using var connection = await dataSource.OpenConnectionAsync();
        // Rows before the first cancellation check (every 1,024 rows) are sent; the COPY must be aborted, not ended.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RowCopy.EventsAsync(connection, rows, 1, rows.Length, DateTimeOffset.UtcNow, cancelled.Token));

        await using var count = new NpgsqlCommand("SELECT count(*) FROM user_events", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    private async Task<List<T>> ReadAsync<T>(string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
