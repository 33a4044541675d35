using System.Globalization;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Failover;

/// <summary>
/// A primary and a streaming standby of its own (scripts/postgres.sh start and standby: pg_basebackup -R), each on a free
/// port under a temporary folder, with a database made on the primary before the standby was copied. The standby is
/// asynchronous unless asked otherwise. Stopped and deleted at the end. Superuser postgres/postgres on TCP.
/// </summary>
public sealed class PostgresFailoverPair : IAsyncDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ue-failover-{Guid.NewGuid():N}");

    private PostgresFailoverPair(string database)
    {
        Database = database;
    }

    public int PrimaryPort { get; } = FreePort.Next();

    public int StandbyPort { get; } = FreePort.Next();

    public string Database { get; }

    /// <summary>POSTGRES_HOST for a silo: both servers, the primary first.</summary>
    public string Hosts => $"127.0.0.1:{PrimaryPort},127.0.0.1:{StandbyPort}";

    /// <summary>The database on whichever server is primary now.</summary>
    public string ConnectionString =>
        $"Host={Hosts};Username=postgres;Password=postgres;Database={Database};Target Session Attributes=primary;Timeout=5";

    public static async Task<PostgresFailoverPair> StartAsync(bool synchronous = false)
    {
        var pair = new PostgresFailoverPair("failover");
        try
        {
            Directory.CreateDirectory(pair.directory);
            await pair.ScriptAsync("start", pair.PrimaryPort, "primary");
            await PostgresServer.ExecuteAsync($"Host=127.0.0.1;Port={pair.PrimaryPort};Username=postgres;Password=postgres;Database=postgres", $"CREATE DATABASE {pair.Database}");
            await pair.ScriptAsync("standby", pair.StandbyPort, "standby", ("PRIMARY_PORT", pair.PrimaryPort.ToString(CultureInfo.InvariantCulture)), ("SYNCHRONOUS", synchronous ? "1" : "0"));
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the standby has replayed everything the primary has written so far.</summary>
    public async Task WaitForStandbyToCatchUpAsync(TimeSpan timeout)
    {
        var primaryLsn = await PostgresServer.ScalarAsync<string>(ServerConnectionString(PrimaryPort), "SELECT pg_current_wal_lsn()::text");
        var deadline = DateTime.UtcNow + timeout;
        while (!await PostgresServer.ScalarAsync<bool>(ServerConnectionString(StandbyPort), $"SELECT pg_last_wal_replay_lsn() >= '{primaryLsn}'::pg_lsn"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the standby did not replay up to {primaryLsn} within {timeout}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Stops the standby (fast): from now on it misses what the primary commits.</summary>
    public Task StopStandbyAsync() => ScriptAsync("stop", StandbyPort, "standby");

    /// <summary>Starts the standby again (still a standby, replaying what it has; the primary may be gone).</summary>
    public Task StartStandbyAsync() => ScriptAsync("start", StandbyPort, "standby");

    /// <summary>Crashes the primary (stop -m immediate).</summary>
    public Task KillPrimaryAsync() => ScriptAsync("kill", PrimaryPort, "primary");

    /// <summary>Stops the primary (fast).</summary>
    public Task StopPrimaryAsync() => ScriptAsync("stop", PrimaryPort, "primary");

    /// <summary>Promotes the standby and waits until it accepts writes.</summary>
    public Task PromoteStandbyAsync() => ScriptAsync("promote", StandbyPort, "standby");

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync("kill", StandbyPort, "standby");
        await ScriptAsync("kill", PrimaryPort, "primary");
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string ServerConnectionString(int port) => $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=postgres;Timeout=5";

    private async Task ScriptAsync(string command, int port, string name, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["PGPORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["PGDATA_DIR"] = Path.Combine(directory, name),
        };
        foreach (var (variable, value) in extra)
        {
            environment[variable] = value;
        }

        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepositoryPaths.Root, "scripts", "postgres.sh"), command], TimeSpan.FromSeconds(120), environment: environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {command} ({name}) exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }
    }
}
