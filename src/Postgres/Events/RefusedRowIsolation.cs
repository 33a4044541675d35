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
    public static List<(int Index, PostgresException Error)> Copy(NpgsqlTransaction transaction, int count, Action<int, int> copy)
    {
        var refused = new List<(int Index, PostgresException Error)>();
        CopyRange(transaction, 0, count, copy, refused);
        return refused;
    }

    private static void CopyRange(NpgsqlTransaction transaction, int from, int to, Action<int, int> copy, List<(int Index, PostgresException Error)> refused)
    {
        if (from >= to)
        {
            return;
        }

        transaction.Save(Savepoint);
        try
        {
            copy(from, to);
            transaction.Release(Savepoint);
            return;
        }
        catch (PostgresException exception) when (PostgresErrors.IsCausedByTheRows(exception))
        {
            transaction.Rollback(Savepoint);
            transaction.Release(Savepoint);
            if (to - from == 1)
            {
                refused.Add((from, exception));
                return;
            }
        }

        var middle = from + ((to - from) / 2);
        CopyRange(transaction, from, middle, copy, refused);
        CopyRange(transaction, middle, to, copy, refused);
    }
}
