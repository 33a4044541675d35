using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Benchmarks.Cli;

// Ctrl+C and SIGTERM stop the run; every process and database it started is removed on the way out.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
var errorConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

var app = new CommandApp<BenchmarkCommand>();
app.Configure(config =>
{
    config.SetApplicationName("user-events-bench");
    config.UseStrictParsing();
    config.SetExceptionHandler((exception, _) =>
    {
        if (exception is CommandAppException)
        {
            errorConsole.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return 2;
        }

        errorConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
        return 1;
    });
});

return await app.RunAsync(args, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
