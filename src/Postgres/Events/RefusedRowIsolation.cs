using Npgsql;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// Copies rows inside savepoints and halves every range PostgreSQL refuses for a reason that lies in the rows, until each
/// refused row stands alone: everything else is written, in the same transaction, with a few COPYs per refused row.
/// </summary>
public static class RefusedRowIsolation
{
    private const string Savepoint = "isolate_refused_rows";

    /// <summary>Copies rows [0, count) with <paramref name="copy"/>; returns the rows PostgreSQL refused, with its error for each.</summary>
    public static async Task<List<(int Index, PostgresException Error)>> CopyAsync(NpgsqlTransaction transaction, int count, Func<int, int, Task> copy)
    {
        var refused = new List<(int Index, PostgresException Error)>();
        await CopyRangeAsync(transaction, 0, count, copy, refused);
        return refused;
    }

    private static async Task CopyRangeAsync(NpgsqlTransaction transaction, int from, int to, Func<int, int, Task> copy, List<(int Index, PostgresException Error)> refused)
    {
        if (from >= to)
        {
            return;
        }

        await transaction.SaveAsync(Savepoint);
        try
        {
            await copy(from, to);
            await transaction.ReleaseAsync(Savepoint);
            return;
        }
        catch (PostgresException exception) when (PostgresErrors.IsCausedByTheRows(exception))
        {
            await transaction.RollbackAsync(Savepoint);
            await transaction.ReleaseAsync(Savepoint);
            if (to - from == 1)
            {
                refused.Add((from, exception));
                return;
            }
        }

        var middle = from + ((to - from) / 2);
        await CopyRangeAsync(transaction, from, middle, copy, refused);
        await CopyRangeAsync(transaction, middle, to, copy, refused);
    }
}
