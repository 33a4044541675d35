using System.Diagnostics;
using System.Text;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>Runs a program to completion with optional stdin and environment, capturing stdout as bytes and stderr as text.</summary>
public static class ProcessRunner
{
    /// <exception cref="TimeoutException">The program ran longer than <paramref name="timeout"/>; it is killed and the message has its output.</exception>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        Func<Stream, Task>? writeStandardInput = null,
        IReadOnlyDictionary<string, string>? environment = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = writeStandardInput is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {fileName}");

        // The readers end at end of stream, which a kill also brings, so they get no token.
        var standardOutput = new MemoryStream();
        var readOutput = process.StandardOutput.BaseStream.CopyToAsync(standardOutput, CancellationToken.None);
        var readError = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            if (writeStandardInput is not null)
            {
                await WriteStandardInputAsync(process, writeStandardInput, timeoutSource.Token);
            }

            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await Task.WhenAll(readOutput, readError);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"'{fileName} {string.Join(' ', startInfo.ArgumentList)}' did not finish within {timeout.TotalSeconds:F0} s. " +
                $"stderr: {Tail(await readError)} stdout: {Tail(Encoding.UTF8.GetString(standardOutput.ToArray()))}");
        }

        await Task.WhenAll(readOutput, readError);
        return new ProcessResult(process.ExitCode, standardOutput.ToArray(), await readError, stopwatch.Elapsed);
    }

    private static async Task WriteStandardInputAsync(Process process, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = process.StandardInput.BaseStream;
            await write(input).WaitAsync(cancellationToken);
        }
        catch (IOException)
        {
            // It stopped reading (a broken pipe: it failed early): its exit code and stderr tell why.
        }
    }

    private static string Tail(string text, int maxChars = 2000) => text.Length <= maxChars ? text : "..." + text[^maxChars..];
}
