using Npgsql;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// A database migrated by its owner (the superuser, as the migration role) and a login role of its own that is only a member of
/// user_events_runtime (sql/0014). The role is dropped at the end.
/// </summary>
public sealed class RuntimeRoleDatabase : IAsyncLifetime
{
    public string Role { get; } = $"ue_silo_{Guid.NewGuid():N}"[..24];

    public string Password { get; } = $"pw-{Guid.NewGuid():N}";

    /// <summary>The owner's connection string (to check what was stored).</summary>
    public string OwnerConnectionString { get; private set; } = "";

    /// <summary>The same database as <see cref="Role"/>.</summary>
    public string RuntimeConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        OwnerConnectionString = await PostgresServer.CreateMigratedDatabaseAsync("least");
        await PostgresServer.ExecuteAsync(OwnerConnectionString, $"CREATE ROLE {Role} LOGIN PASSWORD '{Password}' IN ROLE user_events_runtime");
        RuntimeConnectionString = new NpgsqlConnectionStringBuilder(OwnerConnectionString) { Username = Role, Password = Password }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP ROLE IF EXISTS {Role}");
    }
}
