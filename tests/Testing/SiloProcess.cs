using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// One silo: the built src/Silo program as a separate process, configured only by environment variables as a user runs
/// it, with fixed ports so it can be killed, stopped and started again as the same member. Every variable the silo reads
/// that this program inherited is removed first (<see cref="IsSiloVariable"/>), so only the given environment configures
/// it: an HTTP_AUTH_TOKEN or HTTP_BIND in the caller's shell never reaches it. Output is kept (and appended to a log file
/// when one is given).
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    /// <summary>The prefixes of every variable the silo reads (README), and .NET's configuration of logging and ASP.NET Core.</summary>
    public static readonly IReadOnlyList<string> SiloVariablePrefixes =
        ["KAFKA_", "POSTGRES_", "ORLEANS_", "HTTP_", "WRITER_", "STREAM_", "Logging__", "ASPNETCORE_"];

    private const int KeptLines = 10_000;
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string siloDll;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly IDictionary? inherited;
    private readonly OutputTail output;
    private volatile Process? process;

    /// <param name="name">For log lines and error messages.</param>
    /// <param name="environment">Everything that configures the silo (<see cref="SiloEnvironment.For"/>); HTTP_PORT and ORLEANS_SILO_PORT must be set.</param>
    /// <param name="logPath">A file every output line is appended to, or null.</param>
    /// <param name="inherited">The environment the process would inherit: this program's by default (a test gives its own).</param>
    public SiloProcess(string name, IReadOnlyDictionary<string, string> environment, string? logPath = null, IDictionary? inherited = null)
    {
        Name = name;
        siloDll = RepositoryLayout.Locate().SiloDll;
        this.environment = environment;
        this.inherited = inherited;
        output = new OutputTail(KeptLines, logPath);
        HttpPort = int.Parse(environment["HTTP_PORT"], CultureInfo.InvariantCulture);
        SiloPort = int.Parse(environment["ORLEANS_SILO_PORT"], CultureInfo.InvariantCulture);
    }

    public string Name { get; }

    public int HttpPort { get; }

    /// <summary>The Orleans silo-to-silo port: <c>kafka_checkpoints.owner</c> names it (<c>ip:port@generation</c>).</summary>
    public int SiloPort { get; }

    public bool IsRunning => process is { HasExited: false };

    public bool HasExited => !IsRunning;

    /// <summary>The silo's own process id (the app, not a wrapper), while it runs.</summary>
    public int? ProcessId => process is { HasExited: false } running ? running.Id : null;

    /// <summary>Every line it wrote (the last 10,000), across restarts.</summary>
    public IEnumerable<string> Output => output.Lines;

    public string RecentOutput => output.Tail(60);

    /// <summary>The partitions whose receivers run in this silo now, read from its log.</summary>
    public IReadOnlySet<int> OwnedPartitions
    {
        get
        {
            var owned = new HashSet<int>();
            foreach (var line in output.Lines)
            {
                if (ReceiverStarted().Match(line) is { Success: true } started)
                {
                    owned.Add(int.Parse(started.Groups[1].Value, CultureInfo.InvariantCulture));
                }

                if (ReceiverStopped().Match(line) is { Success: true } stopped)
                {
                    owned.Remove(int.Parse(stopped.Groups[1].Value, CultureInfo.InvariantCulture));
                }
            }

            return owned;
        }
    }

    /// <summary>True for a variable the silo reads: such a variable is never inherited.</summary>
    public static bool IsSiloVariable(string name) => SiloVariablePrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Starts a silo and waits until <c>/health/live</c> answers.</summary>
    public static async Task<SiloProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var silo = new SiloProcess(name, environment);
        await silo.StartAsync(timeout ?? LiveTimeout, CancellationToken.None);
        return silo;
    }

    /// <summary>Starts the process (again, with the same ports) and waits until <c>/health/live</c> answers.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartAsync(LiveTimeout, cancellationToken);

    /// <inheritdoc cref="StartAsync(CancellationToken)"/>
    public async Task StartAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var started = Launch();
        await WaitUntilLiveAsync(started, timeout, cancellationToken);
    }

    /// <summary>Starts the process without waiting for it (the caller watches its own signal of readiness).</summary>
    public Process Launch()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(siloDll);
        if (inherited is not null)
        {
            start.Environment.Clear();
            foreach (DictionaryEntry variable in inherited)
            {
                start.Environment[(string)variable.Key] = variable.Value as string;
            }
        }

        foreach (var name in start.Environment.Keys.Where(IsSiloVariable).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        output.Add($"---- {Name} starting at {DateTimeOffset.UtcNow:O}");
        var started = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        started.OutputDataReceived += (_, e) => output.Add(e.Data);
        started.ErrorDataReceived += (_, e) => output.Add(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
        return started;
    }

    /// <summary>kill -9: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false } running)
        {
            output.Add($"---- {Name} killed (SIGKILL) at {DateTimeOffset.UtcNow:O}");
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>SIGTERM, then waits for the graceful shutdown (killed, and a <see cref="TimeoutException"/>, after 60 s).</summary>
    public async Task StopAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }

        output.Add($"---- {Name} stopping (SIGTERM) at {DateTimeOffset.UtcNow:O}");
        PosixSignals.Terminate(running.Id);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? StopTimeout);
        try
        {
            await running.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"silo {Name} did not stop within {(timeout ?? StopTimeout).TotalSeconds:F0} s:{Environment.NewLine}{RecentOutput}");
        }
    }

    /// <inheritdoc cref="StopAsync(TimeSpan?, CancellationToken)"/>
    public Task StopAsync(CancellationToken cancellationToken) => StopAsync(null, cancellationToken);

    /// <summary>The last <paramref name="lines"/> lines it wrote.</summary>
    public string Tail(int lines = 40) => output.Tail(lines);

    public ProcessMemory? ReadMemory() => process is { HasExited: false } running ? ProcessMemory.Read(running.Id) : null;

    /// <summary>Peak resident memory of the running process (VmHWM), or null when it is not running.</summary>
    public long? ReadPeakResidentBytes() => ReadMemory()?.PeakResidentBytes;

    /// <summary>Throws with the silo's last lines when it has exited.</summary>
    public void ThrowIfExited()
    {
        if (process is { HasExited: true } exited)
        {
            throw new InvalidOperationException($"silo {Name} exited with code {exited.ExitCode}:{Environment.NewLine}{RecentOutput}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        process = null;
    }

    private async Task WaitUntilLiveAsync(Process started, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < timeout)
        {
            if (started.HasExited)
            {
                throw new InvalidOperationException($"silo {Name} exited with {started.ExitCode}:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health/live"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"silo {Name} did not answer on port {HttpPort} within {timeout.TotalSeconds:F0} s:{Environment.NewLine}{RecentOutput}");
    }

    [GeneratedRegex(@"user-events\S*\[(\d+)\] receiver started")]
    private static partial Regex ReceiverStarted();

    [GeneratedRegex(@"\[(\d+)\] receiver stopped")]
    private static partial Regex ReceiverStopped();
}
