using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using UserEvents.Orleans.LocalKafka;

LocalKafkaOptions? options;
try
{
    options = LocalKafkaOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (OptionsException exception)
{
    await Console.Error.WriteLineAsync($"error: {exception.Message}");
    return 2;
}

if (options is null)
{
    await Console.Out.WriteLineAsync(LocalKafkaOptions.Usage);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(logging => logging
    .SetMinimumLevel(options.Verbose ? LogLevel.Debug : LogLevel.Information)
    .AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "HH:mm:ss.fff ";
    })
    // stdout carries nothing but the READY line.
    .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
var logger = loggerFactory.CreateLogger("LocalKafka");

using var shutdown = new ShutdownSignal();
LocalKafkaHost host;
try
{
    host = await LocalKafkaHost.StartAsync(options, logger);
}
catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
{
    var ports = options.Brokers == 1 ? $"{options.Port}" : $"{options.Port}..{options.Port + options.Brokers - 1}";
    logger.LogError("Port {Ports} is in use: stop what listens there or pass another --port", ports);
    return 1;
}

await using (host)
{
    await Console.Out.WriteLineAsync($"READY bootstrap={options.BootstrapServers} topic={options.Topic} partitions={options.Partitions}");
    await Console.Out.FlushAsync();

    var signal = await shutdown.Received;
    logger.LogInformation("{Signal} received, stopping", signal);
}

return 0;
