using Npgsql;

namespace UserEvents.Orleans.Postgres.Events;

/// <summary>Which PostgreSQL errors say "this data can never be stored", as opposed to "try again later".</summary>
public static class PostgresErrors
{
    /// <summary>
    /// True for errors caused by the rows themselves, which the same rows raise on every attempt: class 22 (data
    /// exception: an encoding the database cannot hold, a value out of range), class 23 (integrity constraint violation:
    /// a CHECK an operator added) and 54000 (program limit exceeded: a row too large). Connection, serialization, lock,
    /// privilege and resource errors are not: retrying them, or fixing the server, lets the same rows through.
    /// </summary>
    public static bool IsCausedByTheRows(PostgresException exception) =>
        exception.SqlState.StartsWith("22", StringComparison.Ordinal)
        || exception.SqlState.StartsWith("23", StringComparison.Ordinal)
        || exception.SqlState == PostgresErrorCodes.ProgramLimitExceeded;

    /// <summary>The words a dead letter keeps about what PostgreSQL said.</summary>
    public static string Describe(PostgresException exception) => $"SQLSTATE {exception.SqlState}: {exception.MessageText}";
}
