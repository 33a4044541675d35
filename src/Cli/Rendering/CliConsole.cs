using Spectre.Console;

namespace UserEvents.Orleans.Cli.Rendering;

/// <summary>The consoles commands write to. Redirected output gets wide lines, so tables are never wrapped for scripts.</summary>
internal static class CliConsole
{
    private const int RedirectedWidth = 240;

    public static IAnsiConsole CreateOutput() => Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole CreateError() => Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        if (redirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }
}
