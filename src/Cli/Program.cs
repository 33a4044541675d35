using System.Runtime.InteropServices;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Commands;

// Ctrl+C and SIGTERM stop the running command gracefully (produce flushes and prints its summary).
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
var errorConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("user-events");
    config.UseStrictParsing();
    config.SetExceptionHandler((exception, _) =>
    {
        if (exception is CommandAppException)
        {
            // A bad command line or option value: exit code 2, as for LocalKafka's option errors.
            errorConsole.MarkupLineInterpolated($"[red]error:[/] {exception.Message}");
            return 2;
        }

        errorConsole.WriteException(exception, ExceptionFormats.ShortenEverything);
        return 1;
    });

    config.AddCommand<ProduceCommand>("produce")
        .WithDescription("Send realistic sample user events (JSON keyed by user_id) to Kafka")
        .WithExample("produce", "--count", "100000", "--rate", "5000")
        .WithExample("produce", "--brokers", "127.0.0.1:9092", "--count", "0", "--malformed-percent", "2");
});

return await app.RunAsync(args, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
