using Npgsql;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// A login role that is only a member of user_events_runtime (sql/0014) runs the whole pipeline, but cannot change the schema
/// or delete stored events. The migration is done beforehand by the owner (here the superuser), as in docker-compose.yml.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class LeastPrivilegeTests(RuntimeRoleDatabase database) : IClassFixture<RuntimeRoleDatabase>
{

    [Fact]
    public async Task A_member_of_the_runtime_role_ingests_events_exactly_once_and_its_password_is_never_logged()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 3);
        var environment = SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database.RuntimeConnectionString, "least");
        environment["POSTGRES_MIGRATE"] = "false";
        environment["Logging__LogLevel__Orleans"] = "Information";
        environment["Logging__LogLevel__Microsoft"] = "Information";
        await using var silo = await SiloProcess.StartAsync("least", environment);

        await Kcat.ProduceAsync(kafka.BootstrapServers, kafka.Topic, SampleEvents.Generate(600, malformedEvery: 50));
        var totals = await IngestionAssertions.WaitForStoredAsync(database.OwnerConnectionString, kafka.Topic, 600, TimeSpan.FromSeconds(60), () => silo.Tail());
        await silo.StopAsync();

        IngestionAssertions.AssertExactlyOnce(totals, 600, SampleEvents.MalformedCount(600, 50));
        Assert.Contains(silo.Output, line => line.Contains("schema migrated: False", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.Output, line => line.Contains(database.Password, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("DROP TABLE user_events")]
    [InlineData("ALTER TABLE kafka_checkpoints ADD COLUMN note text")]
    [InlineData("DELETE FROM user_events")]
    [InlineData("TRUNCATE user_events_rejected")]
    [InlineData("UPDATE user_events SET user_id = 0")]
    [InlineData("DELETE FROM kafka_checkpoints")]
    [InlineData("UPDATE orleansquery SET querytext = 'SELECT 1'")]
    [InlineData("CREATE TABLE intruder (id int)")]
    public async Task A_member_of_the_runtime_role_cannot_change_the_schema_or_remove_data(string statement)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => PostgresServer.ExecuteAsync(database.RuntimeConnectionString, statement));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task A_member_of_the_runtime_role_can_read_what_the_stats_read()
    {
        var readable = await PostgresServer.ScalarAsync<long>(
            database.RuntimeConnectionString,
            "SELECT (SELECT count(*) FROM user_events) + (SELECT count(*) FROM user_events_rejected) + (SELECT count(*) FROM kafka_checkpoints) + (SELECT count(*) FROM user_events_stats) + (SELECT count(*) FROM kafka_offset_resets)");

        Assert.True(readable >= 0);
    }
}
