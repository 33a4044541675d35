using System.Globalization;

namespace UserEvents.Orleans.Chaos.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of its own for a scenario that stops the database: scripts/postgres.sh with PGPORT and
/// PGDATA_DIR always set, so it never touches another server. The data directory under /tmp is removed on dispose.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(120);

    private readonly string script;
    private readonly Dictionary<string, string> environment;

    private ThrowawayPostgres(string script, int port)
    {
        this.script = script;
        Port = port;
        DataDirectory = $"/tmp/chaos-pg-{port}";
        environment = new Dictionary<string, string>
        {
            ["PGPORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["PGDATA_DIR"] = DataDirectory,
        };
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Password=postgres;Database=postgres;Timeout=5";

    /// <summary>initdb in a fresh /tmp/chaos-pg-PORT and start on 127.0.0.1:PORT.</summary>
    public static async Task<ThrowawayPostgres> StartAsync(string postgresScript, CancellationToken cancellationToken)
    {
        var postgres = new ThrowawayPostgres(postgresScript, FreePort.Next());
        if (Directory.Exists(postgres.DataDirectory))
        {
            Directory.Delete(postgres.DataDirectory, recursive: true);
        }

        try
        {
            await postgres.StartAsync(cancellationToken);
            return postgres;
        }
        catch
        {
            await postgres.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>pg_ctl start -w</c> (through the script).</summary>
    public Task StartAsync(CancellationToken cancellationToken) =>
        ChildProcesses.RunAsync(script, ["start"], environment, ScriptTimeout, cancellationToken);

    /// <summary><c>pg_ctl stop -m fast</c>: open transactions roll back, clients are disconnected.</summary>
    public Task StopAsync(CancellationToken cancellationToken) =>
        ChildProcesses.RunAsync(script, ["stop"], environment, ScriptTimeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None);
        }
        finally
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }
}
