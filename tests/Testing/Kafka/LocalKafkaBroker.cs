using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace UserEvents.Orleans.Testing;

/// <summary>
/// A tests/LocalKafka process (librdkafka's mock cluster behind a fixed 127.0.0.1 port) with one topic, for one test,
/// scenario or benchmark section. Clients reach it at <see cref="BootstrapServers"/>. Nothing survives
/// <see cref="KafkaTestBroker.RestartAsync"/>: the topic comes back empty, offsets and groups are gone, clients that keep the
/// address reconnect. Tests that need its injected faults or its empty restarts use it directly; the others go through
/// <see cref="KafkaTestBroker.StartAsync"/>.
/// </summary>
public sealed class LocalKafkaBroker : KafkaTestBroker
{
    private const int PortAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly string localKafkaDll;
    private readonly OutputTail standardError = new(500);
    private Process? process;

    private LocalKafkaBroker(string localKafkaDll, int port, string topic, int partitions)
        : base(topic, partitions)
    {
        this.localKafkaDll = localKafkaDll;
        Port = port;
    }

    public int Port { get; }

    public override string Kind => "local";

    public override string BootstrapServers => $"127.0.0.1:{Port}";

    public override bool KeepsLogAcrossRestart => false;

    /// <summary>Exit code of the last LocalKafka process once it has exited, else null.</summary>
    public int? ExitCode => process is { HasExited: true } exited ? exited.ExitCode : null;

    /// <summary>The last lines LocalKafka logged (its stderr), across restarts: for error and assertion messages.</summary>
    public string StandardError => standardError.ToString();

    /// <summary>
    /// Starts the built LocalKafka (of this program's configuration) and waits for its READY line. With no
    /// <paramref name="port"/> a free one is picked, and another tried if it is taken before LocalKafka binds it.
    /// </summary>
    public static async Task<LocalKafkaBroker> StartAsync(
        string topic = "user-events",
        int partitions = 6,
        int? port = null,
        CancellationToken cancellationToken = default,
        [CallerFilePath] string caller = "")
    {
        var localKafkaDll = RepositoryLayout.Locate().LocalKafkaDll;
        for (var attempt = 1; ; attempt++)
        {
            var broker = new LocalKafkaBroker(localKafkaDll, port ?? FreePort.Next(), topic, partitions);
            try
            {
                await broker.LaunchAsync(cancellationToken);
                RecordUsage(caller, broker.Kind);
                return broker;
            }
            catch (InvalidOperationException) when (port is null && attempt < PortAttempts && broker.standardError.Contains("in use"))
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

    /// <summary>SIGTERM and waits for a clean exit; killed when it takes longer than 10 s.</summary>
    public override async Task StopAsync()
    {
        if (process is not { HasExited: false } running)
        {
            return;
        }

        PosixSignals.Terminate(running.Id);
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

    /// <summary>Starts a fresh one on the same port: the topic comes back empty.</summary>
    public override async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        process?.Dispose();
        process = null;
        await LaunchAsync(cancellationToken);
    }

    public override async Task AddPartitionsAsync(int totalPartitions, CancellationToken cancellationToken = default)
    {
        await StopAsync();
        Partitions = totalPartitions;
        await StartAgainAsync(cancellationToken);
    }

    public override async Task KillAsync()
    {
        if (process is { HasExited: false } running)
        {
            running.Kill(entireProcessTree: true);
            await running.WaitForExitAsync(CancellationToken.None);
        }
    }

    public override async ValueTask DisposeAsync()
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
                    // Nothing else comes on stdout; drain it anyway so LocalKafka can never block on it.
                    _ = started.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return;
                }

                standardError.Add("stdout: " + line);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"LocalKafka printed no READY line within {ReadyTimeout.TotalSeconds:F0} s:{Environment.NewLine}{StandardError}");
        }

        await started.WaitForExitAsync(CancellationToken.None);
        throw new InvalidOperationException($"LocalKafka exited with code {started.ExitCode} before READY:{Environment.NewLine}{StandardError}");
    }
}
