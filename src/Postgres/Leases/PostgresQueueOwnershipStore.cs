using Npgsql;
using NpgsqlTypes;
using OrleansKafka.Streaming.Balancing;

namespace UserEvents.Orleans.Postgres.Leases;

/// <summary>
/// Queue ownership in table <c>kafka_queue_owners</c>. Each update runs in one transaction that first takes an advisory
/// lock on the scope, so two silos' balancers never decide from the same stale read.
/// </summary>
public sealed class PostgresQueueOwnershipStore(NpgsqlDataSource dataSource) : IQueueOwnershipStore
{
    public async Task<QueueOwnership> UpdateAsync(string scope, Func<QueueOwnership, QueueOwnership?> decide, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockScope = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('kafka_queue_owners/' || $1, 0))", connection, transaction))
        {
            lockScope.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
            await lockScope.ExecuteNonQueryAsync(cancellationToken);
        }

        var stored = await ReadAsync(connection, transaction, scope, cancellationToken);
        var decided = decide(stored);
        if (decided is null)
        {
            await transaction.CommitAsync(cancellationToken);
            return stored;
        }

        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO kafka_queue_owners (scope, queue, owner, membership_version, updated_at)
            SELECT $1, q, o, $4, now() FROM unnest($2::integer[], $3::text[]) AS u(q, o)
            ON CONFLICT (scope, queue) DO UPDATE
                SET owner = excluded.owner,
                    membership_version = excluded.membership_version,
                    updated_at = CASE WHEN kafka_queue_owners.owner = excluded.owner THEN kafka_queue_owners.updated_at ELSE now() END
            """, connection, transaction))
        {
            var owners = decided.Owners.OrderBy(o => o.Key).ToArray();
            upsert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
            upsert.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = owners.Select(o => o.Key).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            upsert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = owners.Select(o => o.Value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = decided.MembershipVersion });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return decided;
    }

    private static async Task<QueueOwnership> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string scope, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT queue, owner, membership_version FROM kafka_queue_owners WHERE scope = $1", connection, transaction);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = scope });
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        var owners = new Dictionary<int, string>();
        var version = -1L;
        while (await reader.ReadAsync(cancellationToken))
        {
            owners[reader.GetInt32(0)] = reader.GetString(1);
            version = Math.Max(version, reader.GetInt64(2));
        }

        return owners.Count == 0 ? QueueOwnership.None : new QueueOwnership(owners, version);
    }
}
