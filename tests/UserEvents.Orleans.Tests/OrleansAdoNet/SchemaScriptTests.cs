using UserEvents.Orleans.Tests.Infrastructure;
using UserEvents.Orleans.Tests.OrleansAdoNet.Support;

namespace UserEvents.Orleans.Tests.OrleansAdoNet;

/// <summary>The sql/ scripts run by hand with psql, twice, and through DbUp, and leave a complete query catalog.</summary>
public sealed class SchemaScriptTests
{
    private static readonly IReadOnlyList<string> RequiredKeys =
    [
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "GatewaysQueryKey",
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task Applying_every_script_twice_with_psql_succeeds_and_changes_nothing()
    {
        var connectionString = await PostgresServer.CreateEmptyDatabaseAsync("adonet_psql");

        await ApplyAllWithPsqlAsync(connectionString);
        var first = await SchemaSnapshot.TakeAsync(connectionString);
        var firstRowVersions = await SchemaSnapshot.CatalogRowVersionsAsync(connectionString);
        await ApplyAllWithPsqlAsync(connectionString);

        Assert.Equal(first, await SchemaSnapshot.TakeAsync(connectionString));
        Assert.Equal(firstRowVersions, await SchemaSnapshot.CatalogRowVersionsAsync(connectionString));
        Assert.Equal(first, await SchemaSnapshot.TakeAsync(await PostgresServer.CreateMigratedDatabaseAsync("adonet_dbup")));
    }

    [Fact]
    public async Task The_catalog_holds_every_provider_key_and_no_null_text()
    {
        var connectionString = await PostgresServer.CreateMigratedDatabaseAsync("adonet_keys");

        var present = (await PostgresServer.ScalarAsync<string>(
            connectionString, "SELECT string_agg(querykey, ',' ORDER BY querykey) FROM orleansquery")).Split(',');
        var nullTexts = await PostgresServer.ScalarAsync<long>(
            connectionString, "SELECT count(*) FROM orleansquery WHERE querytext IS NULL OR btrim(querytext) = ''");

        Assert.Empty(RequiredKeys.Except(present, StringComparer.Ordinal));
        Assert.Equal(0L, nullTexts);
    }

    private static async Task ApplyAllWithPsqlAsync(string connectionString)
    {
        var scripts = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "sql"), "*.sql").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(scripts);
        foreach (var script in scripts)
        {
            await Psql.RunFileAsync(connectionString, script);
        }
    }
}
