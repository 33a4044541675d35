using System.Diagnostics;
using System.Globalization;

namespace UserEvents.Orleans.Chaos.Infrastructure;

/// <summary>
/// One silo of a scenario: the built src/Silo program as a separate process, configured only by environment variables,
/// with fixed ports, so it can be killed, stopped and started again as the same member. Its output is appended to a log
/// file; the last lines are kept for error messages. Silo variables inherited from this program's environment are removed.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly string[] SiloSettingPrefixes = ["KAFKA_", "POSTGRES_", "ORLEANS_", "WRITER_", "STREAM_", "HTTP_PORT", "Logging__", "ASPNETCORE_"];
    private static readonly TimeSpan LiveTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);

    private readonly string siloDll;
    private readonly IReadOnlyDictionary<string, string> environment;
    private readonly OutputTail output;
    private volatile Process? process;

    public SiloProcess(string name, string siloDll, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        Name = name;
        this.siloDll = siloDll;
        this.environment = environment;
        output = new OutputTail(60, logPath);
        SiloPort = int.Parse(environment["ORLEANS_SILO_PORT"], CultureInfo.InvariantCulture);
        HttpPort = int.Parse(environment["HTTP_PORT"], CultureInfo.InvariantCulture);
    }

    public string Name { get; }

    /// <summary>The Orleans silo-to-silo port: <c>kafka_checkpoints.owner</c> names it (<c>ip:port@generation</c>).</summary>
    public int SiloPort { get; }

    public int HttpPort { get; }

    public bool IsRunning => process is { HasExited: false };

    /// <summary>The silo's own process id (the app, not a wrapper), while it runs.</summary>
    public int? ProcessId => process is { HasExited: false } running ? running.Id : null;

    public string RecentOutput => output.ToString();

    /// <summary>Starts the process and waits until <c>/health/live</c> answers.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(siloDll);
        foreach (var inherited in start.Environment.Keys.Where(IsSiloSetting).ToArray())
        {
            start.Environment.Remove(inherited);
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
        await WaitUntilLiveAsync(started, cancellationToken);
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

    /// <summary>SIGTERM, then waits for the graceful shutdown (killed after 60 s).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }

        output.Add($"---- {Name} stopping (SIGTERM) at {DateTimeOffset.UtcNow:O}");
        await ChildProcesses.TerminateAsync(running.Id, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await running.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"silo {Name} did not stop within {StopTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Peak resident memory of the running process (VmHWM), or null when it is not running.</summary>
    public long? ReadPeakResidentBytes() => process is { HasExited: false } running ? ProcessMemory.Read(running.Id)?.PeakResidentBytes : null;

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
        process = null;
    }

    private static bool IsSiloSetting(string name) => SiloSettingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    private async Task WaitUntilLiveAsync(Process started, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < LiveTimeout)
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

        throw new TimeoutException($"silo {Name} did not answer on port {HttpPort} within {LiveTimeout.TotalSeconds:F0} s:{Environment.NewLine}{RecentOutput}");
    }
}
