using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Benchmarks.Measuring;
using UserEvents.Orleans.Benchmarks.Reporting;
using UserEvents.Orleans.Benchmarks.Scenarios;
using UserEvents.Orleans.Benchmarks.Workload;

namespace UserEvents.Orleans.Benchmarks.Cli;

/// <summary>
/// Runs the sections in order — limit, peers, ours — each scenario on a fresh database (and a fresh broker when it reads
/// Kafka), prints the results and writes them as markdown. A scenario that fails is reported as failed and the run goes
/// on; the exit code is then 1.
/// </summary>
public sealed class BenchmarkCommand : AsyncCommand<BenchmarkSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var plan = BenchmarkPlan.From(settings);
        var progress = new ProgressLog();
        var run = new BenchmarkContext(plan, RepositoryLayout.Locate(), progress);
        var report = new BenchmarkReport(await MachineDescription.ReadAsync(plan.PostgresConnectionString, cancellationToken), plan, run.RunId);
        var started = Stopwatch.GetTimestamp();
        progress.Step($"run {run.RunId}: N = {plan.Events:N0}, {plan.Partitions} partitions; logs in {run.LogDirectory}");

        if (plan.RunLimit)
        {
            await RunLimitAsync(run, report, cancellationToken);
        }

        if (plan.RunPeers)
        {
            await RunPeersAsync(run, report, cancellationToken);
        }

        if (plan.RunOurs)
        {
            await RunOursAsync(run, report, cancellationToken);
        }

        report.Elapsed = Stopwatch.GetElapsedTime(started);
        report.LoadAverageAtEnd = MachineDescription.LoadAverage();
        ConsoleReport.Write(ResultsConsole(), report);
        if (plan.OutputPath is { } output)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            await File.WriteAllTextAsync(output, MarkdownReport.Render(report), cancellationToken);
            progress.Step($"results written to {output}");
        }

        return report.AllSucceeded ? 0 : 1;
    }

    private static async Task RunLimitAsync(BenchmarkContext run, BenchmarkReport report, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        run.Progress.Step($"limit: building {plan.Events:N0} rows");
        var rows = PrebuiltRows.Create(plan.Events, plan.Seed, plan.Partitions);
        foreach (var connections in new[] { 1, 2 })
        {
            var scenario = new CopyLimitScenario(connections);
            report.Limits.Add(await MeasureAsync(run, "limit: " + scenario.Line, () => scenario.RunAsync(run, rows, cancellationToken), cancellationToken));
        }

        report.Limits.Add(await MeasureAsync(run, "limit: " + KafkaConsumeLimitScenario.Line, () => KafkaConsumeLimitScenario.RunAsync(run, plan.Events, cancellationToken), cancellationToken));
    }

    private static async Task RunPeersAsync(BenchmarkContext run, BenchmarkReport report, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        report.Peers.Add(await MeasureAsync(run, "peers: " + SingleInsertPeerScenario.Line, () => SingleInsertPeerScenario.RunAsync(run, plan.SingleInsertEvents, cancellationToken), cancellationToken));
        foreach (var prefilled in new[] { true, false })
        {
            var line = BatchedInsertPeerScenario.LineFor(prefilled);
            report.Peers.Add(await MeasureAsync(run, "peers: " + line, () => BatchedInsertPeerScenario.RunAsync(run, plan.Events, prefilled, cancellationToken), cancellationToken));
        }
    }

    private static async Task RunOursAsync(BenchmarkContext run, BenchmarkReport report, CancellationToken cancellationToken)
    {
        var plan = run.Plan;
        run.Progress.Step($"ours: {plan.Events:N0} events produced, then a fresh silo drains them");
        report.SiloPrefilledDrain = await MeasureAsync(run, "ours: " + SiloPrefilledDrainScenario.Line, () => SiloPrefilledDrainScenario.RunAsync(run, plan.Events, cancellationToken), cancellationToken);
        run.Progress.Step("ours: starting LocalKafka and the silo");
        SiloUnderTest silo;
        try
        {
            silo = await SiloUnderTest.StartAsync(run, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            run.Progress.Failure("ours: silo start", exception);
            report.SiloDrain = ThroughputResult.Failed(SiloDrainScenario.Line, exception);
            return;
        }

        await using (silo)
        {
            run.Progress.Step($"ours: silo reads all partitions {silo.Startup.TotalSeconds:F1} s after start");
            report.SiloDrain = await MeasureAsync(run, "ours: " + SiloDrainScenario.Line, () => SiloDrainScenario.RunAsync(run, silo, plan.Events, cancellationToken), cancellationToken);
            report.SiloMemoryAfterDrain = silo.Process.ReadMemory();

            var rates = plan.FixedRates?.Select(rate => (Line: $"{rate:N0} events/s", Rate: rate))
                ?? plan.RatePercents.Select(percent => (Line: $"{percent:0.#}% of max", Rate: report.SiloDrain.Succeeded ? report.SiloDrain.EventsPerSecond * percent / 100 : double.NaN));
            foreach (var (line, rate) in rates)
            {
                if (double.IsNaN(rate))
                {
                    report.SiloLatencies.Add(LatencyResult.Failed(line, 0, new InvalidOperationException("no measured max: the drain failed")));
                    continue;
                }

                run.Progress.Step(string.Create(CultureInfo.InvariantCulture, $"ours: latency at {line} = {rate:N0} events/s for {(plan.LatencyWarmup + plan.LatencyDuration).TotalSeconds:F1} s"));
                try
                {
                    report.SiloLatencies.Add(await SiloLatencyScenario.RunAsync(run, silo, line, rate, cancellationToken));
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    run.Progress.Failure("ours: latency at " + line, exception);
                    report.SiloLatencies.Add(LatencyResult.Failed(line, rate, exception));
                }
            }

            report.SiloMemoryAtEnd = silo.Process.ReadMemory();
        }

        if (plan.ClusterTls)
        {
            report.SiloDrainClusterTls = await MeasureAsync(run, "ours: " + SiloDrainScenario.ClusterTlsLine, () => DrainWithClusterTlsAsync(run, cancellationToken), cancellationToken);
        }
    }

    // One silo: the records never cross an Orleans connection, so the line shows what TLS adds to the ingest path
    // (handshakes, the membership and directory traffic), not to calls between silos.
    private static async Task<ThroughputResult> DrainWithClusterTlsAsync(BenchmarkContext run, CancellationToken cancellationToken)
    {
        using var ca = ClusterCertificateAuthority.Create(run.LogDirectory, "cluster-ca");
        await using var silo = await SiloUnderTest.StartAsync(run, cancellationToken, clusterTls: ca.IssueSilo("silo"));
        var result = await SiloDrainScenario.RunAsync(run, silo, run.Plan.Events, cancellationToken);
        return result with { Line = SiloDrainScenario.ClusterTlsLine };
    }

    private static async Task<ThroughputResult> MeasureAsync(BenchmarkContext run, string description, Func<Task<ThroughputResult>> scenario, CancellationToken cancellationToken)
    {
        run.Progress.Step(description);
        try
        {
            var result = await scenario();
            run.Progress.Step(string.Create(CultureInfo.InvariantCulture, $"  {result.Events:N0} events in {result.Elapsed.TotalSeconds:F2} s = {result.EventsPerSecond:N0}/s"));
            return result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            run.Progress.Failure(description, exception);
            return ThroughputResult.Failed(description[(description.IndexOf(": ", StringComparison.Ordinal) + 2)..], exception);
        }
    }

    /// <summary>stdout in UTF-8 with Unicode borders whatever the locale; wide enough when redirected that table rows stay on one line.</summary>
    private static IAnsiConsole ResultsConsole()
    {
        Console.OutputEncoding = System.Text.Encoding.UTF8;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Profile.Capabilities.Unicode = true;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
