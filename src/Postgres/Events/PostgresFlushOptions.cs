namespace UserEvents.Orleans.Postgres.Events;

/// <summary>
/// The server-side bounds of a flush transaction, set with <c>SET LOCAL</c> in each flush (no privileges needed, nothing
/// else on the connection is affected). They make a frozen silo (SIGSTOP, VM pause) give up its checkpoint locks: the
/// server ends a session that sits idle inside the transaction, and a flush waits only a bounded time for a lock.
/// </summary>
public sealed class PostgresFlushOptions
{
    /// <summary>
    /// How long the server keeps a flush transaction whose client has gone quiet between statements
    /// (<c>idle_in_transaction_session_timeout</c>); then it ends the session and rolls the transaction back.
    /// </summary>
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a flush waits for a checkpoint row another session has locked (<c>lock_timeout</c>); then it fails and is retried.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a flush plans again when another silo moved one of its checkpoints while it was writing.</summary>
    public int MaxPlanAttempts { get; set; } = 5;

    /// <summary>Every problem with the options, each naming its setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (IdleInTransactionTimeout < TimeSpan.FromSeconds(1) || IdleInTransactionTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(IdleInTransactionTimeout)} must be between 1 s and 10 min";
        }

        if (LockTimeout < TimeSpan.FromMilliseconds(100) || LockTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"{nameof(LockTimeout)} must be between 100 ms and 10 min";
        }

        if (MaxPlanAttempts is < 1 or > 100)
        {
            yield return $"{nameof(MaxPlanAttempts)} must be between 1 and 100";
        }
    }
}
