using System.Collections;
using System.Net;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using UserEvents.Orleans.Grains.Hosting;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Silo.Http;
using UserEvents.Orleans.Silo.Modes;
using UserEvents.Orleans.Silo.Startup;

SiloSettings settings;
try
{
    settings = SiloSettings.Load(Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal));
}
catch (InvalidSettingsException exception)
{
    await Console.Error.WriteLineAsync($"user-events silo: {exception.Message}");
    return 2;
}

if (args.Contains(HealthProbe.Argument, StringComparer.Ordinal))
{
    return await HealthProbe.RunAsync(settings);
}

if (args.Contains(MigrateOnly.Argument, StringComparer.Ordinal))
{
    return await MigrateOnly.RunAsync(settings);
}

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.HttpBind, settings.HttpPort));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.AddFilter("Polly", LogLevel.Warning);

using (var startupLoggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true)))
{
    try
    {
        await DatabaseStartup.PrepareAsync(settings, startupLoggers, CancellationToken.None);
    }
    catch (Exception exception) when (exception is SchemaNotReadyException or UnsupportedDatabaseException)
    {
        await Console.Error.WriteLineAsync($"user-events silo: {exception.Message}");
        return 2;
    }

    await KafkaStartup.WaitForTopicAsync(settings, startupLoggers, CancellationToken.None);
}

var dataSource = NpgsqlDataSource.Create(settings.PostgresConnectionString);
builder.Services.AddHealthEndpoints(settings, dataSource);
builder.Services.AddMetricsEndpoint();
builder.Host.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = settings.ClusterId;
        o.ServiceId = settings.ServiceId;
    });
    // A silo that stops answering is declared dead after about 3 missed 2-second probes (Orleans' default is 3 x 5 s),
    // so its partitions resume on the other silos within ~15 s (see docs/ARCHITECTURE.md).
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    });
    silo.UseAdoNetClustering(o =>
    {
        o.Invariant = "Npgsql";
        o.ConnectionString = settings.PostgresConnectionString;
    });
    if (settings.AdvertisedIp is { } ip)
    {
        silo.ConfigureEndpoints(IPAddress.Parse(ip), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
    }
    else
    {
        silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
    }

    silo.AddUserEventsIngestion(
        dataSource,
        kafka =>
        {
            kafka.BootstrapServers = settings.KafkaBroker;
            kafka.Topic = settings.KafkaTopic;
            kafka.StartingOffsets = settings.KafkaStartingOffsets;
            kafka.MaxRecordsPerBatch = settings.KafkaMaxRecordsPerBatch;
            kafka.MaxBatchBytes = settings.KafkaMaxBatchBytes;
            kafka.PartitionCheckInterval = settings.KafkaPartitionCheckInterval;
            foreach (var (key, value) in settings.KafkaClientSettings)
            {
                kafka.ClientSettings[key] = value;
            }
        },
        writer =>
        {
            writer.MaxBufferedRecords = settings.WriterMaxBufferedRecords;
            writer.FlushInterval = settings.WriterFlushInterval;
            writer.MaxConcurrentFlushes = settings.WriterMaxConcurrentFlushes;
            writer.BufferLimitRecords = settings.WriterBufferLimitRecords;
            writer.BufferLimitBytes = settings.WriterBufferLimitBytes;
        },
        settings.StreamCacheSize,
        flush =>
        {
            flush.LockTimeout = settings.WriterLockTimeout;
            flush.IdleInTransactionTimeout = settings.WriterIdleInTransactionTimeout;
        });
    silo.Services.AddPartitionMaintenance(settings.Partitions);
    silo.AddDashboard();
});

var app = builder.Build();
app.UseTokenAuthentication(settings.HttpAuthToken);
app.MapOrleansDashboard("/dashboard");
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapIngestionPage();
app.MapStatsApi();
app.Logger.LogInformation(
    "Silo {Cluster} starting: Kafka {Broker} topic {Topic} ({StartingOffsets} for new partitions), PostgreSQL {Database} (SSL {SslMode}), silo port {SiloPort}, gateway {GatewayPort}, http://{HttpBind}:{HttpPort}/ (ingestion page; also /dashboard, /health/ready, /metrics; token required: {TokenRequired})",
    settings.ClusterId, settings.KafkaBroker, settings.KafkaTopic, settings.KafkaStartingOffsets, settings.DescribePostgres, settings.PostgresSslMode, settings.SiloPort, settings.GatewayPort, settings.HttpBind, settings.HttpPort, settings.HttpAuthToken is not null);
await app.RunAsync();
await dataSource.DisposeAsync();
return 0;
