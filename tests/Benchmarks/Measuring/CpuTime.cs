using System.Globalization;

namespace UserEvents.Orleans.Benchmarks.Measuring;

/// <summary>
/// CPU time (user + system) from <c>/proc/PID/stat</c>: of one process (the silo, or this benchmark for the in-process
/// peers) and of every PostgreSQL process (backends, WAL writer, checkpointer, autovacuum).
/// </summary>
public readonly record struct CpuTime(TimeSpan Consumer, TimeSpan Postgres)
{
    // USER_HZ: the unit of /proc/PID/stat's times, 100 on every Linux ABI .NET runs on.
    private const double TicksPerSecond = 100;

    public static CpuTime Read(int consumerProcessId)
    {
        var postgres = TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && ReadProcess(pid) is { Command: "postgres" } process)
            {
                postgres += process.Time;
            }
        }

        return new CpuTime(ReadProcess(consumerProcessId)?.Time ?? TimeSpan.Zero, postgres);
    }

    public static CpuTime operator -(CpuTime end, CpuTime start) => new(end.Consumer - start.Consumer, end.Postgres - start.Postgres);

    private static (string Command, TimeSpan Time)? ReadProcess(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // the process ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid …": comm may hold spaces, so fields are counted after its closing parenthesis.
        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open)
        {
            return null;
        }

        var fields = stat[(close + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (stat[(open + 1)..close], TimeSpan.FromSeconds(ticks / TicksPerSecond));
    }
}

/// <summary>CPU per event done over a measured window.</summary>
public readonly record struct CpuPerEvent(double ConsumerMicroseconds, double PostgresMicroseconds)
{
    public static CpuPerEvent Of(CpuTime used, long events) =>
        new(used.Consumer.TotalMilliseconds * 1000 / Math.Max(events, 1), used.Postgres.TotalMilliseconds * 1000 / Math.Max(events, 1));
}
