using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;

namespace UserEvents.Orleans.Benchmarks.Reporting;

/// <summary>The machine and PostgreSQL server a run measured: cores, CPU, memory, load, server version and settings.</summary>
public sealed record MachineDescription(
    int Cores,
    string CpuModel,
    long MemoryBytes,
    string OperatingSystem,
    string Runtime,
    string PostgresVersion,
    IReadOnlyList<KeyValuePair<string, string>> PostgresSettings)
{
    /// <summary>The server settings that matter for ingest.</summary>
    public static readonly string[] PostgresSettingNames =
    [
        "shared_buffers", "synchronous_commit", "fsync", "full_page_writes", "wal_level", "wal_compression", "wal_buffers",
        "max_wal_size", "checkpoint_timeout", "commit_delay", "work_mem", "maintenance_work_mem", "max_connections", "track_commit_timestamp",
    ];

    public static async Task<MachineDescription> ReadAsync(string postgresConnectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgresConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var version = new NpgsqlCommand("SELECT version()", connection);
        var postgresVersion = (string)(await version.ExecuteScalarAsync(cancellationToken))!;
        await using var settings = new NpgsqlCommand("SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY($1) ORDER BY name", connection);
        settings.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = PostgresSettingNames });
        var values = new List<KeyValuePair<string, string>>();
        await using (var reader = await settings.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                values.Add(new(reader.GetString(0), reader.GetString(1)));
            }
        }

        return new MachineDescription(
            Environment.ProcessorCount,
            ReadCpuModel(),
            ReadMemoryBytes(),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            postgresVersion,
            values);
    }

    /// <summary>/proc/loadavg: the 1, 5 and 15 minute load averages (the machine is shared: a high load means a noisy run).</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static long ReadMemoryBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
