using Npgsql;
using UserEvents.Orleans.Silo.Configuration;

namespace UserEvents.Orleans.Tests.Configuration;

/// <summary>POSTGRES_HOST as a list of servers, POSTGRES_TARGET_SESSION_ATTRIBUTES and POSTGRES_HOST_RECHECK_SECONDS.</summary>
[Trait("Category", "Unit")]
public sealed class PostgresHostListTests
{
    [Fact]
    public void Several_hosts_ask_for_the_primary_by_default_and_each_keeps_its_own_port()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_HOST"] = "pg1:6432, pg2", ["POSTGRES_PORT"] = "5433", ["POSTGRES_HOST_RECHECK_SECONDS"] = "3" });
        var connection = new NpgsqlConnectionStringBuilder(settings.PostgresConnectionString);

        Assert.Equal("pg1:6432,pg2", connection.Host);
        Assert.Equal(5433, connection.Port);
        Assert.Equal("primary", connection.TargetSessionAttributes);
        Assert.Equal(3, connection.HostRecheckSeconds);
        Assert.Equal("postgres@pg1:6432,pg2:5433/postgres", settings.DescribePostgres);
    }

    [Fact]
    public void One_host_takes_any_server_unless_told_and_the_setting_wins_over_the_default()
    {
        var one = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_HOST"] = "db" });
        var told = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_HOST"] = "a,b", ["POSTGRES_TARGET_SESSION_ATTRIBUTES"] = "prefer-standby" });

        Assert.Equal("any", new NpgsqlConnectionStringBuilder(one.PostgresConnectionString).TargetSessionAttributes);
        Assert.Equal("prefer-standby", new NpgsqlConnectionStringBuilder(told.PostgresConnectionString).TargetSessionAttributes);
        Assert.Equal("postgres@db:5432/postgres", one.DescribePostgres);
    }

    [Fact]
    public void A_wrong_host_list_or_session_attribute_gives_one_line_each_naming_the_variable()
    {
        var errors = Assert.Throws<InvalidSettingsException>(() => SiloSettings.Load(new Dictionary<string, string?>
        {
            ["POSTGRES_HOST"] = "pg1:99999,,pg3",
            ["POSTGRES_TARGET_SESSION_ATTRIBUTES"] = "leader",
            ["POSTGRES_HOST_RECHECK_SECONDS"] = "-1",
        })).Errors;

        Assert.Equal(
            [
                "POSTGRES_HOST 'pg1:99999' has no port 1-65535 after the colon: give host or host:port, several separated by commas",
                "POSTGRES_HOST has an empty entry: give host or host:port, several separated by commas",
                "POSTGRES_HOST_RECHECK_SECONDS='-1' is not a whole number from 0 to 86400",
                "POSTGRES_TARGET_SESSION_ATTRIBUTES 'leader' is not one of any, primary, standby, prefer-primary, prefer-standby, read-write, read-only",
            ],
            errors.Order(StringComparer.Ordinal));
    }
}
