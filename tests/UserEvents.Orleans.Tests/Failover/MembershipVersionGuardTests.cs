using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using UserEvents.Orleans.Silo.Failover;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Failover;

/// <summary>
/// After a rollback of PostgreSQL the membership version lies below what the silos saw, and Orleans ignores a table
/// whose version is not above it; the guard raises the version when the server's commit history changes, never otherwise.
/// </summary>
public sealed class MembershipVersionGuardTests
{
    [Fact]
    public async Task A_changed_commit_history_raises_the_membership_version_past_what_lost_commits_held_and_an_unchanged_one_does_not()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("guard");
        await PostgresServer.ExecuteAsync(connectionString, "INSERT INTO orleans_membership_version (deploymentid, version) VALUES ('blue', 17), ('green', 40)");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var history = "timeline 00000001, started A";
        var guard = new MembershipVersionGuard(dataSource, "blue", _ => Task.FromResult<string?>(history), TimeProvider.System, NullLogger<MembershipVersionGuard>.Instance);

        await guard.CheckAsync(CancellationToken.None);
        await guard.CheckAsync(CancellationToken.None);
        Assert.Equal(17, await VersionAsync(connectionString, "blue"));

        history = "timeline 00000002, started A";
        await guard.CheckAsync(CancellationToken.None);
        await guard.CheckAsync(CancellationToken.None);

        Assert.Equal(17 + MembershipVersionGuard.VersionJump, await VersionAsync(connectionString, "blue"));
        Assert.Equal(40, await VersionAsync(connectionString, "green"));
    }

    private static Task<int> VersionAsync(string connectionString, string cluster) =>
        PostgresServer.ScalarAsync<int>(connectionString, "SELECT version FROM orleans_membership_version WHERE deploymentid = @c", ("c", cluster));
}
