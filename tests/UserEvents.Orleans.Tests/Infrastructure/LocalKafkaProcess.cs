using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// A LocalKafka process (tests/LocalKafka: librdkafka's mock cluster on a fixed 127.0.0.1 port) for one test
/// or fixture. Other processes and clients reach it at <see cref="BootstrapServers"/>. Nothing survives
/// <see cref="RestartAsync"/>: topics come back empty, offsets and groups are gone.
/// </summary>
public sealed class LocalKafkaProcess : IAsyncDisposable
{
    private const int MaxStandardErrorLines = 500;
    private const int PortAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<string> standardError = new();
    private Process? process;

    private LocalKafkaProcess(string topic, int partitions, int port)
    {
        Topic = topic;
        Partitions = partitions;
        Port = port;
    }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public string Topic { get; }

    public int Partitions { get; }

    public int Port { get; }

    /// <summary>Exit code of the last LocalKafka process once it has exited, else null.</summary>
    public int? ExitCode => process is { HasExited: true } exited ? exited.ExitCode : null;

    /// <summary>The last lines LocalKafka logged (its stderr), across restarts: for assertion messages.</summary>
    public string StandardError => string.Join(Environment.NewLine, standardError);

    /// <summary>
    /// Starts LocalKafka and waits for its READY line. With no <paramref name="port"/> a free one is picked
    /// (and another tried if it is taken before LocalKafka binds it).
    /// </summary>
    public static async Task<LocalKafkaProcess> StartAsync(
        string topic = "user-events", int partitions = 6, int? port = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var localKafka = new LocalKafkaProcess(topic, partitions, port ?? FreeLoopbackPort());
            try
            {
                await localKafka.LaunchAsync(ct);
                return localKafka;
            }
            catch (PortInUseException) when (port is null && attempt < PortAttempts)
            {
                await localKafka.DisposeAsync();
            }
            catch
            {
                await localKafka.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Sends SIGTERM and waits for a clean exit; kills it if it takes longer than 10 s.</summary>
    public async Task StopAsync()
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

    /// <summary>Stops it and starts a fresh one on the same port (clients that keep the address reconnect).</summary>
    public async Task RestartAsync(CancellationToken ct = default)
    {
        await StopAsync();
        process?.Dispose();
        process = null;
        await LaunchAsync(ct);
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

    private async Task LaunchAsync(CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(RepositoryPaths.ProgramDll("LocalKafka", "UserEvents.Orleans.LocalKafka"));
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        startInfo.ArgumentList.Add("--topic");
        startInfo.ArgumentList.Add(Topic);
        startInfo.ArgumentList.Add("--partitions");
        startInfo.ArgumentList.Add(Partitions.ToString(CultureInfo.InvariantCulture));

        process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start dotnet");
        process.ErrorDataReceived += (_, line) => KeepStandardError(line.Data);
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        var expected = $"READY bootstrap={BootstrapServers} topic={Topic} partitions={Partitions}";
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line == expected)
                {
                    // Nothing else comes on stdout; drain it anyway so LocalKafka can never block on it.
                    _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                    return;
                }

                KeepStandardError("stdout: " + line);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"LocalKafka printed no READY line within {ReadyTimeout.TotalSeconds:F0} s. stderr:{Environment.NewLine}{StandardError}");
        }

        await process.WaitForExitAsync(CancellationToken.None);
        var message = $"LocalKafka exited with code {process.ExitCode} before READY. stderr:{Environment.NewLine}{StandardError}";
        throw StandardError.Contains("in use", StringComparison.Ordinal) ? new PortInUseException(message) : new InvalidOperationException(message);
    }

    private void KeepStandardError(string? line)
    {
        if (line is null)
        {
            return;
        }

        standardError.Enqueue(line);
        while (standardError.Count > MaxStandardErrorLines)
        {
            standardError.TryDequeue(out _);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class PortInUseException(string message) : Exception(message);
}
