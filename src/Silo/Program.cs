using Microsoft.Extensions.Configuration.Memory;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using UserEvents.Orleans.Grains.Hosting;
using UserEvents.Orleans.Postgres.Checkpoints;
using UserEvents.Orleans.Postgres.Configuration;
using UserEvents.Orleans.Postgres.Partitions;
using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Silo.Failover;
using UserEvents.Orleans.Silo.Http;
using UserEvents.Orleans.Silo.Modes;
using UserEvents.Orleans.Silo.Security;
using UserEvents.Orleans.Silo.Startup;

// The mode switches are not settings: keep them out of the command-line configuration.
// The content root is the app's own directory, not the working directory: its file watchers otherwise woke on every
// write below where the silo was started (a log file in run-local's .local/), and stat-ed files on the silo's CPU.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args.Where(a => a is not (HealthProbe.Argument or MigrateOnly.Argument)).ToArray(),
    ContentRootPath = AppContext.BaseDirectory,
});
SiloSettings settings;
try
{
    settings = SiloSettings.Load(builder.Configuration);
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

builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.Http.Bind, settings.Http.Port));
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(45));
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
// Defaults under every other source, so that Logging__LogLevel__Npgsql=Information (say) still wins. Npgsql logs every
// command it runs at Information: several lines per flush, formatted on the commit path. Log filters match category
// prefixes, so the common Logging__LogLevel__Orleans=Warning would also silence the Kafka provider (OrleansKafka.*):
// its own, longer rule keeps it at Information unless that rule is set too.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Npgsql"] = "Warning",
        ["Logging:LogLevel:OrleansKafka"] = "Information",
    },
});

using (var startupLoggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true)))
{
    try
    {
        await DatabaseStartup.PrepareAsync(settings.Postgres, settings.PostgresConnectionString, settings.Host.Migrate, settings.Partitions, startupLoggers, CancellationToken.None);
    }
    catch (Exception exception) when (exception is SchemaNotReadyException or UnsupportedDatabaseException)
    {
        await Console.Error.WriteLineAsync($"user-events silo: {exception.Message}");
        return 2;
    }

    await KafkaStartup.WaitForTopicAsync(settings.Kafka, startupLoggers, CancellationToken.None);
}

builder.Services.AddPostgresDataSources(settings.Postgres, settings.Host.SiloPort);
builder.Services.AddHealthEndpoints(settings);
builder.Services.AddMetricsEndpoint();
builder.Host.UseOrleans(silo =>
{
    silo.Configure<ClusterOptions>(o =>
    {
        o.ClusterId = settings.Cluster.ClusterId;
        o.ServiceId = settings.Cluster.ServiceId;
    });
    // A silo that stops answering is declared dead after about 3 missed 2-second probes (Orleans' default is 3 x 5 s),
    // so its partitions resume on the other silos within ~15 s (see docs/ARCHITECTURE.md).
    silo.Configure<ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    });
    // Orleans sizes the directory cache for a million grains up front (18 MB); a silo here looks up a few per partition
    // and the stats grains a client asks for.
    silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = 100_000);
    silo.UseAdoNetClustering(o => o.Invariant = "Npgsql");
    silo.Services.AddOptions<AdoNetClusteringSiloOptions>().Configure<IServiceProvider>((o, services) =>
        o.DataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Membership));
    if (settings.Host.AdvertiseHostAddress)
    {
        silo.ConfigureEndpoints(settings.Host.SiloPort, settings.Host.GatewayPort, listenOnAnyHostAddress: settings.Host.ListenOnAnyAddress);
    }
    else
    {
        silo.ConfigureEndpoints(settings.Host.AdvertisedIp, settings.Host.SiloPort, settings.Host.GatewayPort, settings.Host.ListenOnAnyAddress);
    }

    if (settings.ClusterCertificates is { } certificates)
    {
        silo.UseClusterTls(certificates);
    }

    silo.AddIncomingGrainCallFilter<PipelineCallerFilter>();

    silo.AddUserEventsIngestion(
        kafka => SiloOptionsBinding.Kafka(builder.Configuration, kafka),
        writer => SiloOptionsBinding.Bind(SiloEnvironment.Writer, builder.Configuration, writer),
        settings.Host.StreamCacheSize,
        flush => SiloOptionsBinding.Bind(SiloEnvironment.Flush, builder.Configuration, flush));
    silo.Services.AddPartitionMaintenance(settings.Partitions);
    silo.Services.AddHostedService(services => new MembershipVersionGuard(
        services.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Membership),
        settings.Cluster.ClusterId,
        token => PostgresCommitHistory.ReadAsync(services.GetRequiredKeyedService<NpgsqlDataSource>(PostgresDataSourceKeys.Membership), token),
        TimeProvider.System,
        services.GetRequiredService<ILogger<MembershipVersionGuard>>()));
    silo.AddDashboard();
});

var app = builder.Build();
app.UseTokenAuthentication(settings.HttpAuthToken);
app.MapOrleansDashboard("/dashboard");
app.MapHealthEndpoints();
app.MapMetricsEndpoint();
app.MapIngestionPage();
app.MapStatsApi();
SiloStartLog.Starting(app.Logger, settings);
await app.RunAsync();
return 0;
