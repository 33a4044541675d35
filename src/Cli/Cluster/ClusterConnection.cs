using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using UserEvents.Orleans.Cli.Commands;

namespace UserEvents.Orleans.Cli.Cluster;

/// <summary>
/// An Orleans client connected to the cluster of <see cref="ClusterSettings"/>: it finds the silos' gateways in the
/// membership table of the cluster's PostgreSQL (ADO.NET clustering), as the silos do, and speaks mutual TLS when
/// <see cref="ClusterSettings"/> name a client certificate. It logs nothing, and does not
/// retry: when no silo runs, the command fails at once.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost host;

    private ClusterConnection(IHost host)
    {
        this.host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>Connects; throws when no silo of the cluster can be reached.</summary>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        var certificates = settings.LoadClusterCertificates(new List<string>());
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IHostLifetime, CommandHostLifetime>();
        builder.UseOrleansClient(client =>
        {
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = settings.ClusterId;
                options.ServiceId = settings.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = settings.PostgresConnectionString;
            });
            if (certificates is not null)
            {
                client.UseClusterTls(certificates);
            }
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new ClusterConnection(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
