using System.Diagnostics;

namespace UserEvents.Orleans.Benchmarks.Infrastructure;

/// <summary>
/// The built src/Silo program as a separate process, configured only by environment variables, as a user runs it.
/// The silo's own variables inherited from the benchmark's environment are removed first, so that only
/// <c>environment</c> configures it. Its output goes to a log file; the last lines are kept for error messages.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly string[] SiloSettingPrefixes = ["KAFKA_", "POSTGRES_", "ORLEANS_", "WRITER_", "STREAM_", "HTTP_", "Logging__", "ASPNETCORE_"];

    private readonly Process process;
    private readonly OutputTail output;

    private SiloProcess(Process process, OutputTail output)
    {
        this.process = process;
        this.output = output;
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public string RecentOutput => output.ToString();

    public static SiloProcess Start(string siloDll, IReadOnlyDictionary<string, string> environment, string logPath)
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

        var output = new OutputTail(60, logPath);
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new SiloProcess(process, output);
    }

    /// <summary>The variables the silo reads (README) and .NET configuration of logging and ASP.NET Core.</summary>
    public static bool IsSiloSetting(string name) => SiloSettingPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    public ProcessMemory? ReadMemory() => process.HasExited ? null : ProcessMemory.Read(process.Id);

    /// <summary>Throws with the silo's last lines when it has exited.</summary>
    public void ThrowIfExited()
    {
        if (process.HasExited)
        {
            throw new InvalidOperationException($"The silo exited with code {process.ExitCode}:{Environment.NewLine}{RecentOutput}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }
}
