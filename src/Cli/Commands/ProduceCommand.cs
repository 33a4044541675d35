using System.Diagnostics;
using Confluent.Kafka;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Cli.Events;
using UserEvents.Orleans.Cli.Producing;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// <c>user-events produce</c>: sends sample user events to Kafka, with a progress bar on a terminal and
/// always a closing summary line. Exit codes: 0 done (or stopped by Ctrl+C without --count), 1 Kafka
/// unreachable or deliveries failed, 130 stopped before --count was reached.
/// </summary>
public sealed class ProduceCommand : AsyncCommand<ProduceSettings>
{
    public const int ExitFailed = 1;
    public const int ExitInterrupted = 130;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(30);

    public override async Task<int> ExecuteAsync(CommandContext context, ProduceSettings settings, CancellationToken cancellationToken)
    {
        var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var generator = new SampleEventGenerator(settings.Seed ?? Random.Shared.Next(), settings.MalformedPercent);
        using var publisher = new KafkaEventPublisher(settings.Brokers, settings.Topic, new Dictionary<string, string>(EnvironmentDefaults.Kafka.ClientSettings, StringComparer.Ordinal));

        try
        {
            if (publisher.CheckConnection(ConnectTimeout) == 0)
            {
                errors.MarkupLineInterpolated($"[yellow]warning:[/] topic {settings.Topic} does not exist yet: the broker may auto-create it with its default partition count");
            }
        }
        catch (KafkaException exception)
        {
            errors.MarkupLineInterpolated($"[red]error:[/] cannot reach Kafka at {settings.Brokers}: {exception.Error.Reason}");
            return ExitFailed;
        }

        var started = Stopwatch.GetTimestamp();
        var pacer = new RatePacer(settings.Rate);
        if (IsTerminal())
        {
            await PublishWithProgressAsync(publisher, generator, settings, pacer, cancellationToken);
        }
        else
        {
            await publisher.PublishAsync(generator.Next, settings.Count, pacer, onSent: null, cancellationToken);
        }

        var pending = publisher.Flush(FlushTimeout);
        var counts = publisher.Counts;
        await Console.Out.WriteLineAsync(ProduceSummary.Format(counts, Stopwatch.GetElapsedTime(started)));

        if (counts.Failed > 0 || pending > 0)
        {
            errors.MarkupLineInterpolated($"[red]error:[/] {counts.Failed} events failed, {pending} still unacknowledged after {FlushTimeout.TotalSeconds:F0} s; first error: {counts.FirstError ?? "none"}");
            return ExitFailed;
        }

        return settings.Count > 0 && counts.Sent < settings.Count ? ExitInterrupted : 0;
    }

    private static bool IsTerminal() => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    private static Task PublishWithProgressAsync(
        KafkaEventPublisher publisher, SampleEventGenerator generator, ProduceSettings settings, RatePacer pacer, CancellationToken cancellationToken) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"producing to {Markup.Escape(settings.Topic)}", maxValue: settings.Count == 0 ? 1 : settings.Count);
                task.IsIndeterminate = settings.Count == 0;
                var started = Stopwatch.GetTimestamp();
                await publisher.PublishAsync(
                    generator.Next,
                    settings.Count,
                    pacer,
                    sent =>
                    {
                        var rate = sent / Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 1e-3);
                        task.Description = $"producing to {Markup.Escape(settings.Topic)}: {sent:N0} sent ({rate:N0}/s)";
                        if (settings.Count > 0)
                        {
                            task.Value = sent;
                        }
                    },
                    cancellationToken);
                task.StopTask();
            });
}
