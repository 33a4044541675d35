using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace UserEvents.Orleans.Tests.OrleansAdoNet.Cluster;

/// <summary>Builds in-process test clusters whose silos and client use only the ADO.NET providers on PostgreSQL.</summary>
public static class AdoNetTestCluster
{
    public const string Invariant = "Npgsql";
    public const string KeepOnClearStorage = "store";
    public const string DeleteOnClearStorage = "store-delete-on-clear";
    private const string ConnectionStringKey = "OrleansAdoNet:ConnectionString";

    /// <summary>A cluster of <paramref name="silos"/> silos on the database of <paramref name="connectionString"/>; call DeployAsync.</summary>
    public static TestCluster Build(string connectionString, short silos)
    {
        var builder = new TestClusterBuilder(silos);
        builder.Options.UseTestClusterMembership = false;
        builder.Properties[ConnectionStringKey] = connectionString;
        builder.AddSiloBuilderConfigurator<AdoNetSiloConfigurator>();
        builder.AddClientBuilderConfigurator<AdoNetClientConfigurator>();
        return builder.Build();
    }

    /// <summary>The connection string the test cluster passes to its silos and client through configuration.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration[ConnectionStringKey] ?? throw new InvalidOperationException($"Configuration '{ConnectionStringKey}' is missing");
}
