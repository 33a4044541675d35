using System.Collections.Concurrent;
using System.Diagnostics;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// Runs the silo program until a line of its output (stdout and stderr) matches, or it exits, or the time is up; then kills it
/// and returns everything it wrote. For what a silo says before its HTTP endpoint exists (waiting for PostgreSQL).
/// </summary>
public static class SiloRun
{
    public static async Task<string> UntilAsync(IReadOnlyDictionary<string, string> environment, Func<string, bool> lineMatches, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var lines = new ConcurrentQueue<string>();
        var matched = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        DataReceivedEventHandler record = (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                if (lineMatches(line))
                {
                    matched.TrySetResult();
                }
            }
        };
        process.OutputDataReceived += record;
        process.ErrorDataReceived += record;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        await Task.WhenAny(matched.Task, process.WaitForExitAsync(), Task.Delay(timeout));
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        var output = string.Join(Environment.NewLine, lines);
        return matched.Task.IsCompleted
            ? output
            : throw new TimeoutException($"No matching line within {timeout.TotalSeconds:F0} s (exited: {process.HasExited}):{Environment.NewLine}{output}");
    }
}
