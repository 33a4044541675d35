using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using UserEvents.Orleans.Chaos;
using UserEvents.Orleans.Chaos.Infrastructure;
using UserEvents.Orleans.Chaos.Rebalancing;
using UserEvents.Orleans.Chaos.Reporting;
using UserEvents.Orleans.Chaos.Scenarios;

// The chaos suite: `[--quick] [--keep] [scenario...]`. Exit code 0 when every scenario passed, 1 otherwise, 2 for a
// wrong command line. Ctrl+C and SIGTERM stop the run; every process and database it started is removed on the way out.
IChaosScenario[] scenarios =
[
    new KillOneOfThreeSilosScenario(),
    new PostgresOutageScenario(),
    new BrokerRestartScenario(),
    new RollingRestartScenario(),
    new ScaleOutAndInScenario(),
    new TableLockScenario(),
    new MalformedEventsScenario(),
    new QueueMoveWhileCheckpointsLockedScenario(),
    new FrozenSiloScenario(),
    new RefusedEventScenario(),
    new BrokerKilledScenario(),
];

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args, [.. scenarios.Select(s => s.Number)]);
}
catch (ArgumentException exception)
{
    await Console.Error.WriteLineAsync("user-events-chaos: " + exception.Message);
    return 2;
}

var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
if (Console.IsOutputRedirected)
{
    console.Profile.Width = 240;
}

var layout = RepositoryLayout.Locate();
var runName = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
var logDirectory = Path.Combine(layout.Root, ".local", "chaos", runName);
Directory.CreateDirectory(logDirectory);
var command = "chaos " + string.Join(' ', args);
var brokerKind = RealKafkaBroker.KitFromEnvironment is { } kit ? $"a real Apache Kafka broker (kit {kit})" : "LocalKafka";
console.WriteLine($"{command} on {MachineDescription.Read()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, Kafka: {brokerKind}; silo logs in {logDirectory}");

if (options.RebalanceCycles is { } cycles)
{
    var prefix = $"[{RebalanceMeasurement.ScenarioNumber}] queue moves";
    var context = new ChaosContext(layout, options, runName, logDirectory, message => console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {prefix}: {message}"));
    context.Progress($"{cycles} cycles of graceful stop, join, kill -9, join");
    var (trials, result) = await RebalanceMeasurement.RunAsync(context, cycles, stop.Token);
    console.WriteLine(ResultLine.Format(result));
    console.WriteLine();
    console.WriteLine(MoveReport.Format(trials));
    return result.Passed ? 0 : 1;
}

var results = new List<ScenarioResult>();
foreach (var scenario in scenarios.Where(s => options.Scenarios.Contains(s.Number)))
{
    var prefix = $"[{scenario.Number}] {scenario.Name}";
    var context = new ChaosContext(layout, options, runName, logDirectory, message => console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {prefix}: {message}"));
    context.Progress(options.Quick ? "starting (quick)" : "starting");
    var elapsed = Stopwatch.StartNew();
    ScenarioResult result;
    try
    {
        result = await scenario.RunAsync(context, stop.Token);
    }
    catch (Exception exception) when (!stop.IsCancellationRequested)
    {
        result = new ScenarioResult(scenario.Number, scenario.Name, null, null, 0, [exception.GetType().Name + ": " + exception.Message], "", elapsed.Elapsed);
    }

    results.Add(result);
    context.Progress($"{(result.Passed ? "passed" : "FAILED: " + string.Join("; ", result.Failures))} in {ResultFormat.Seconds(result.Duration)}");
    console.WriteLine(ResultLine.Format(result));
}

console.Write(ResultsTable.Create(results));
console.WriteLine();
return results.All(r => r.Passed) ? 0 : 1;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
