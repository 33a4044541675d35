using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace UserEvents.Orleans.Benchmarks.Infrastructure;

/// <summary>
/// A fresh tests/LocalKafka process (librdkafka's mock cluster behind a fixed 127.0.0.1 port) with one topic.
/// Every scenario that reads Kafka gets its own, so no scenario sees another's records or offsets.
/// </summary>
public sealed class LocalKafkaBroker : IAsyncDisposable
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process process;
    private readonly OutputTail standardError = new(200);

    private LocalKafkaBroker(Process process, int port, string topic, int partitions)
    {
        this.process = process;
        BootstrapServers = $"127.0.0.1:{port}";
        Topic = topic;
        Partitions = partitions;
    }

    public string BootstrapServers { get; }

    public string Topic { get; }

    public int Partitions { get; }

    public static async Task<LocalKafkaBroker> StartAsync(string localKafkaDll, string topic, int partitions, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { localKafkaDll, "--port", port.ToString(CultureInfo.InvariantCulture), "--topic", topic, "--partitions", partitions.ToString(CultureInfo.InvariantCulture) })
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start dotnet");
            var broker = new LocalKafkaBroker(process, port, topic, partitions);
            process.ErrorDataReceived += (_, e) => broker.standardError.Add(e.Data);
            process.BeginErrorReadLine();
            try
            {
                await broker.WaitForReadyAsync(cancellationToken);
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

    /// <summary>Low and high watermark of every partition.</summary>
    public IReadOnlyList<WatermarkOffsets> QueryWatermarks()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = BootstrapServers, GroupId = "bench-watermarks" }).Build();
        return Enumerable.Range(0, Partitions)
            .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p), TimeSpan.FromSeconds(10)))
            .ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        process.Dispose();
    }

    private async Task WaitForReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        var expected = $"READY bootstrap={BootstrapServers} topic={Topic} partitions={Partitions}";
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == expected)
                {
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"LocalKafka printed no READY line within {ReadyTimeout.TotalSeconds:F0} s:{Environment.NewLine}{standardError}");
        }

        await process.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"LocalKafka exited with code {process.ExitCode} before READY:{Environment.NewLine}{standardError}");
    }
}
