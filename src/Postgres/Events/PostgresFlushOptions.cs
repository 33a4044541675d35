using System.ComponentModel.DataAnnotations;
using UserEvents.Orleans.Postgres.Configuration;

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
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IdleInTransactionTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a flush waits for a checkpoint row another session has locked (<c>lock_timeout</c>); then it fails and is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a flush plans again when another silo moved one of its checkpoints while it was writing.</summary>
    [Range(1, 100)]
    public int MaxPlanAttempts { get; set; } = 5;

    /// <summary>Every problem with the options, each starting with the name of its setting.</summary>
    public IEnumerable<string> Validate() => OptionRanges.Problems(this);
}
