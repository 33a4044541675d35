using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace UserEvents.Orleans.Chaos.Infrastructure;

/// <summary>
/// A tests/LocalKafka process (librdkafka's mock cluster behind a fixed 127.0.0.1 port) with one topic, for one scenario.
/// <see cref="RestartAsync"/> stops it and starts a new one on the same port: clients reconnect, and every record is gone.
/// </summary>
public sealed class LocalKafkaBroker : IAsyncDisposable
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string localKafkaDll;
    private readonly OutputTail standardError = new(200);
    private Process? process;

    private LocalKafkaBroker(string localKafkaDll, int port, string topic, int partitions)
    {
        this.localKafkaDll = localKafkaDll;
        Port = port;
        Topic = topic;
        Partitions = partitions;
    }

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public string Topic { get; }

    public int Partitions { get; }

    public static async Task<LocalKafkaBroker> StartAsync(string localKafkaDll, string topic, int partitions, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var broker = new LocalKafkaBroker(localKafkaDll, FreePort.Next(), topic, partitions);
            try
            {
                await broker.LaunchAsync(cancellationToken);
                return broker;
            }
            catch (InvalidOperationException) when (attempt < PortAttempts && broker.standardError.Contains("in use"))
            {
                await broker.DisposeAsync();
            }
            catch
            {
                await broker.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>SIGTERM, then a fresh broker on the same port: the topic comes back empty.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        if (process is { HasExited: false } running)
        {
            await ChildProcesses.TerminateAsync(running.Id, cancellationToken);
            using var timeout = new CancellationTokenSource(StopTimeout);
            try
            {
                await running.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                running.Kill(entireProcessTree: true);
                await running.WaitForExitAsync(CancellationToken.None);
            }
        }

        process?.Dispose();
        process = null;
        await LaunchAsync(cancellationToken);
    }

    /// <summary>The high watermark of every partition, in partition order.</summary>
    public long[] QueryHighWatermarks()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "chaos-watermarks" })
            .SetLogHandler((_, _) => { })
            .Build();
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)).High.Value)
            .ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (process is null)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
        process = null;
    }

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { localKafkaDll, "--port", Port.ToString(CultureInfo.InvariantCulture), "--topic", Topic, "--partitions", Partitions.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var started = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
        process = started;
        started.ErrorDataReceived += (_, e) => standardError.Add(e.Data);
        started.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        var expected = $"READY bootstrap={BootstrapServers} topic={Topic} partitions={Partitions}";
        try
        {
            while (await started.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == expected)
                {
                    _ = started.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"LocalKafka printed no READY line within {ReadyTimeout.TotalSeconds:F0} s:{Environment.NewLine}{standardError}");
        }

        await started.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"LocalKafka exited with code {started.ExitCode} before READY:{Environment.NewLine}{standardError}");
    }
}
