using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using UserEvents.Orleans.Postgres.Configuration;

namespace UserEvents.Orleans.Cli.Commands;

/// <summary>
/// How to reach the Orleans cluster as a client: its ids, the PostgreSQL that holds its membership, and the client
/// certificate of the cluster CA when the silos require mutual TLS (the silo's ORLEANS_TLS_* variables).
/// </summary>
public class ClusterSettings : PostgresSettings
{
    private readonly List<string> tlsEnvironmentErrors = [];
    private readonly ClusterTlsOptions tlsFromEnvironment;

    public ClusterSettings()
    {
        tlsFromEnvironment = UserEventsEnvironment.ClusterTls.Bind(EnvironmentDefaults.Configuration, new ClusterTlsOptions(), tlsEnvironmentErrors);
    }

    [CommandOption("--cluster-id <ID>")]
    [Description("Orleans cluster id [grey](env ORLEANS_CLUSTER_ID, default user-events)[/]")]
    public string ClusterId { get; init; } = EnvironmentDefaults.ClusterId;

    [CommandOption("--service-id <ID>")]
    [Description("Orleans service id [grey](env ORLEANS_SERVICE_ID, default user-events)[/]")]
    public string ServiceId { get; init; } = EnvironmentDefaults.ServiceId;

    [CommandOption("--tls-cert <FILE>")]
    [Description("Client certificate of the cluster CA, PEM or .pfx [grey](env ORLEANS_TLS_CERT_FILE; needed when the silos use mutual TLS)[/]")]
    public string? TlsCertificateFile { get; init; }

    [CommandOption("--tls-key <FILE>")]
    [Description("PEM private key of --tls-cert [grey](env ORLEANS_TLS_KEY_FILE)[/]")]
    public string? TlsKeyFile { get; init; }

    [CommandOption("--tls-ca <FILE>")]
    [Description("PEM file of the cluster CA [grey](env ORLEANS_TLS_CA_FILE)[/]")]
    public string? TlsCaFile { get; init; }

    /// <summary>The environment's ORLEANS_TLS_* files with the options given on the command line on top.</summary>
    public ClusterTlsOptions ClusterTls => new()
    {
        CertificateFile = TlsCertificateFile ?? tlsFromEnvironment.CertificateFile,
        KeyFile = TlsKeyFile ?? tlsFromEnvironment.KeyFile,
        PfxPassword = tlsFromEnvironment.PfxPassword,
        CaFile = TlsCaFile ?? tlsFromEnvironment.CaFile,
    };

    /// <summary>The client's certificate and the cluster CA, or null without TLS; each problem is added to <paramref name="errors"/>.</summary>
    public ClusterCertificates? LoadClusterCertificates(ICollection<string> errors)
    {
        foreach (var (option, file) in new[] { ("--tls-cert", TlsCertificateFile), ("--tls-key", TlsKeyFile), ("--tls-ca", TlsCaFile) })
        {
            if (file is not null && !File.Exists(file))
            {
                errors.Add($"{option} '{file}' is not a file that exists");
            }
        }

        return errors.Count == 0 ? ClusterCertificates.Load(ClusterTls, ClusterRole.Client, TimeProvider.System, errors) : null;
    }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
        {
            return ValidationResult.Error("--cluster-id and --service-id must not be empty");
        }

        var errors = new List<string>(tlsEnvironmentErrors);
        LoadClusterCertificates(errors);
        return errors.Count > 0 ? ValidationResult.Error(string.Join(Environment.NewLine, errors.Distinct())) : base.Validate();
    }
}
