using Spectre.Console;

namespace UserEvents.Orleans.Benchmarks.Cli;

/// <summary>What the benchmark is doing, on stderr (stdout carries only the results).</summary>
public sealed class ProgressLog
{
    private readonly IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public void Step(string message) => console.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] {message}");

    public void Failure(string line, Exception exception) =>
        console.MarkupLineInterpolated($"[grey]{DateTime.Now:HH:mm:ss}[/] [red]{line} failed:[/] {exception.Message}");
}
