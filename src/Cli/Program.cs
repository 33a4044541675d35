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

    config.AddCommand<StatsCommand>("stats")
        .WithDescription("Events stored and rejected, by type, the processing rate and every partition's progress (asks the cluster)");
    config.AddCommand<LagCommand>("lag")
        .WithDescription("Each partition's owner, checkpoint, high watermark and lag (asks the cluster)");
    config.AddCommand<UserCommand>("user")
        .WithDescription("One user's events by type, first and last seen, newest events (asks the cluster)")
        .WithExample("user", "123", "--latest", "50");
    config.AddCommand<MovieCommand>("movie")
        .WithDescription("One movie's events by type, distinct users, newest events (asks the cluster)")
        .WithExample("movie", "456");
    config.AddCommand<TopCommand>("top")
        .WithDescription("The movies with the most events in the last minutes of event time (asks the cluster)")
        .WithExample("top", "--minutes", "15", "--count", "5");
    config.AddCommand<VerifyCommand>("verify")
        .WithDescription("Check every partition's Kafka offsets against the stored rows: none missing, none twice (reads Kafka and PostgreSQL)")
        .WithExample("verify", "--brokers", "127.0.0.1:9092", "--postgres-port", "5433");
});

return await app.RunAsync(args, stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
