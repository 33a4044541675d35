using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace UserEvents.Orleans.Postgres.Configuration;

/// <summary>
/// Where PostgreSQL is and how to reach it, with its defaults and ranges; read from the <c>POSTGRES_*</c> variables
/// (<see cref="UserEventsEnvironment.Postgres"/>) the same way by the silo and by every CLI command.
/// </summary>
public sealed record PostgresConnectionSettings
{
    public static IReadOnlyDictionary<string, SslMode> SslModes { get; } = new Dictionary<string, SslMode>(StringComparer.Ordinal)
    {
        ["disable"] = SslMode.Disable,
        ["prefer"] = SslMode.Prefer,
        ["require"] = SslMode.Require,
        ["verify-ca"] = SslMode.VerifyCA,
        ["verify-full"] = SslMode.VerifyFull,
    };

    /// <summary>Npgsql's Target Session Attributes (which server of a list to use).</summary>
    public static IReadOnlySet<string> TargetSessionChoices { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "any", "primary", "standby", "prefer-primary", "prefer-standby", "read-write", "read-only",
    };

    /// <summary>One server, or several as <c>host[:port],host[:port],…</c> (a failover pair or cluster); <see cref="Port"/> for those without a port.</summary>
    public string Host { get; init; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; init; } = 5432;

    /// <summary>Which server of <see cref="Host"/> to use; null: <c>primary</c> with several hosts, <c>any</c> with one.</summary>
    public string? TargetSessionAttributes { get; init; }

    /// <summary>How long Npgsql trusts what it learned of a server's role (primary or standby) before asking again.</summary>
    [Range(0, 86400)]
    public int HostRecheckSeconds { get; init; } = 10;

    /// <summary>Each server of <see cref="Host"/> as host:port.</summary>
    public IReadOnlyList<string> Servers => Host.Split(',', StringSplitOptions.TrimEntries)
        .Select(h => HasPort(h) ? h : $"{h}:{Port}")
        .ToArray();

    /// <summary>The Target Session Attributes in effect.</summary>
    public string EffectiveTargetSessionAttributes => TargetSessionAttributes ?? (Servers.Count > 1 ? "primary" : "any");

    public string Database { get; init; } = "postgres";

    public string User { get; init; } = "postgres";

    [global::Orleans.Redact]
    public string? Password { get; init; }

    public SslMode SslMode { get; init; } = SslMode.Prefer;

    /// <summary>PEM file of the CA to trust (only with <see cref="SslMode.VerifyCA"/> or <see cref="SslMode.VerifyFull"/>).</summary>
    public string? SslRootCertificate { get; init; }

    /// <summary>Every problem with the settings, each starting with the name of its setting.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var problem in OptionRanges.Problems(this))
        {
            yield return problem;
        }

        foreach (var server in Host.Split(',', StringSplitOptions.TrimEntries))
        {
            if (ServerProblem(server) is { } problem)
            {
                yield return $"{nameof(Host)} {problem}: give host or host:port, several separated by commas";
            }
        }

        if (TargetSessionAttributes is { } attributes && !TargetSessionChoices.Contains(attributes))
        {
            yield return $"{nameof(TargetSessionAttributes)} '{attributes}' is not one of {string.Join(", ", TargetSessionChoices)}";
        }

        if (SslRootCertificate is not null && SslMode is not (SslMode.VerifyCA or SslMode.VerifyFull))
        {
            yield return $"{nameof(SslRootCertificate)} is only used to verify the server: set {nameof(SslMode)} to verify-ca or verify-full";
        }
    }

    /// <summary>The Npgsql connection string (holds the password: log <see cref="Describe"/> instead).</summary>
    public string ConnectionString(string applicationName, int maxPoolSize = 100) => new NpgsqlConnectionStringBuilder
    {
        MaxPoolSize = maxPoolSize,
        Host = string.Join(',', Host.Split(',', StringSplitOptions.TrimEntries)),
        Port = Port,
        TargetSessionAttributes = EffectiveTargetSessionAttributes,
        HostRecheckSeconds = HostRecheckSeconds,
        Database = Database,
        Username = User,
        Password = Password,
        ApplicationName = applicationName,
        SslMode = SslMode,
        RootCertificate = SslRootCertificate,
    }.ConnectionString;

    /// <summary>user@host:port/database (user@h1:p1,h2:p2/database for several), without the password.</summary>
    public string Describe => $"{User}@{string.Join(',', Servers)}/{Database}";

    private static bool HasPort(string server) => server.LastIndexOf(':') > server.LastIndexOf(']');

    private static string? ServerProblem(string server)
    {
        if (server.Length == 0)
        {
            return "has an empty entry";
        }

        if (!HasPort(server))
        {
            return null;
        }

        var colon = server.LastIndexOf(':');
        return colon == 0
            ? $"'{server}' has no host"
            : int.TryParse(server.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
                ? null
                : $"'{server}' has no port 1-65535 after the colon";
    }

    public override string ToString() => $"{Describe} (SSL {SslMode})";
}
