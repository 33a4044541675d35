using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Npgsql;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>A real silo process (src/Silo, as built), configured only through environment variables like a user would.</summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> environment;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    private SiloProcess(string name, Dictionary<string, string> environment)
    {
        Name = name;
        this.environment = environment;
        HttpPort = int.Parse(environment["HTTP_PORT"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Name { get; }

    public int HttpPort { get; }

    public IEnumerable<string> Output => output;

    public bool HasExited => process?.HasExited ?? true;

    /// <summary>The partitions whose receivers run in this silo now, read from its log.</summary>
    public IReadOnlySet<int> OwnedPartitions
    {
        get
        {
            var owned = new HashSet<int>();
            foreach (var line in output)
            {
                var started = ReceiverStarted().Match(line);
                if (started.Success)
                {
                    owned.Add(int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }

                var stopped = ReceiverStopped().Match(line);
                if (stopped.Success)
                {
                    owned.Remove(int.Parse(stopped.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            return owned;
        }
    }

    /// <summary>Environment for a silo reading <paramref name="kafkaBroker"/>/<paramref name="topic"/> into <paramref name="postgresConnectionString"/>.</summary>
    public static Dictionary<string, string> EnvironmentFor(string kafkaBroker, string topic, string postgresConnectionString, string clusterId, string startingOffsets = "earliest")
    {
        var pg = new NpgsqlConnectionStringBuilder(postgresConnectionString);
        return new Dictionary<string, string>
        {
            ["KAFKA_BROKER"] = kafkaBroker,
            ["KAFKA_TOPIC"] = topic,
            ["KAFKA_STARTING_OFFSETS"] = startingOffsets,
            ["POSTGRES_HOST"] = pg.Host!,
            ["POSTGRES_PORT"] = pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["POSTGRES_DB"] = pg.Database!,
            ["POSTGRES_USER"] = pg.Username!,
            ["POSTGRES_PASSWORD"] = pg.Password ?? "",
            ["POSTGRES_MIGRATE"] = "true",
            ["ORLEANS_CLUSTER_ID"] = clusterId,
            ["ORLEANS_SILO_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ORLEANS_GATEWAY_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ORLEANS_ADVERTISED_IP"] = "127.0.0.1",
            ["HTTP_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public static async Task<SiloProcess> StartAsync(string name, Dictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var silo = new SiloProcess(name, environment);
        await silo.StartAsync(timeout ?? TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>Starts the process (again, with the same ports) and waits until its HTTP endpoint answers.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"));
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Orleans"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Record(e.Data);
        process.ErrorDataReceived += (_, e) => Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} exited with {process.ExitCode}:{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health/live"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Silo {Name} did not answer on port {HttpPort} within {timeout}:{Environment.NewLine}{Tail()}");
    }

    /// <summary>kill -9: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, then waits for the graceful shutdown to finish.</summary>
    public async Task StopAsync(TimeSpan? timeout = null)
    {
        if (process is { HasExited: false })
        {
            _ = SendSignal(process.Id, 15);
            using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Silo {Name} did not stop within the timeout:{Environment.NewLine}{Tail()}");
            }
        }
    }

    public string Tail(int lines = 40) => string.Join(Environment.NewLine, output.TakeLast(lines));

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);

    [GeneratedRegex(@"user-events\S*\[(\d+)\] receiver started")]
    private static partial Regex ReceiverStarted();

    [GeneratedRegex(@"\[(\d+)\] receiver stopped")]
    private static partial Regex ReceiverStopped();
}
