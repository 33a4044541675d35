using Npgsql;
using UserEvents.Orleans.Silo.Configuration;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>The security settings are validated at start with messages that name the variables and never a secret.</summary>
[Trait("Category", "Unit")]
public sealed class SecuritySettingsTests : IDisposable
{
    private const string Token = "a-token-of-thirty-two-characters";
    private readonly string directory = Directory.CreateTempSubdirectory("ue-settings-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Defaults_bind_to_loopback_without_token_and_do_not_migrate()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?>());

        Assert.Equal("127.0.0.1", settings.HttpBind.ToString());
        Assert.Null(settings.HttpAuthToken);
        Assert.False(settings.PostgresMigrate);
        Assert.Equal(SslMode.Prefer, settings.PostgresSslMode);
    }

    [Fact]
    public void Binding_beyond_loopback_needs_a_token_of_16_characters_or_more()
    {
        var noToken = Errors(new() { ["HTTP_BIND"] = "0.0.0.0" });
        var shortToken = Errors(new() { ["HTTP_BIND"] = "0.0.0.0", ["HTTP_AUTH_TOKEN"] = "short-secret" });
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["HTTP_BIND"] = "0.0.0.0", ["HTTP_AUTH_TOKEN"] = Token });

        Assert.Contains(noToken, e => e.StartsWith("HTTP_BIND=0.0.0.0 makes", StringComparison.Ordinal) && e.Contains("HTTP_AUTH_TOKEN or HTTP_AUTH_TOKEN_FILE"));
        Assert.Contains(shortToken, e => e.Contains("HTTP_AUTH_TOKEN (or the content of HTTP_AUTH_TOKEN_FILE) must be at least 16 characters"));
        Assert.DoesNotContain(shortToken, e => e.Contains("short-secret"));
        Assert.True(settings.HttpReachableFromOtherMachines);
        Assert.Contains(Errors(new() { ["HTTP_BIND"] = "everywhere" }), e => e.StartsWith("HTTP_BIND='everywhere' is not an IP address", StringComparison.Ordinal));
    }

    [Fact]
    public void Secrets_come_from_files_without_the_trailing_newline_and_not_from_both_places()
    {
        var passwordFile = Write("password", "from-a-file\n");
        var tokenFile = Write("token", Token + "\n");

        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_PASSWORD_FILE"] = passwordFile, ["HTTP_AUTH_TOKEN_FILE"] = tokenFile });
        var both = Errors(new() { ["POSTGRES_PASSWORD"] = "in-the-environment", ["POSTGRES_PASSWORD_FILE"] = passwordFile });
        var missing = Errors(new() { ["POSTGRES_PASSWORD_FILE"] = Path.Combine(directory, "absent") });

        Assert.Equal("from-a-file", settings.PostgresPassword);
        Assert.Equal(Token, settings.HttpAuthToken);
        Assert.Contains(both, e => e == "POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are both set: set only one");
        Assert.DoesNotContain(both, e => e.Contains("in-the-environment") || e.Contains("from-a-file"));
        Assert.Contains(missing, e => e.StartsWith("POSTGRES_PASSWORD_FILE='", StringComparison.Ordinal) && e.Contains("cannot be read"));
    }

    [Fact]
    public void Printing_the_settings_shows_neither_the_password_nor_the_token()
    {
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_PASSWORD"] = "pg-secret-value", ["HTTP_AUTH_TOKEN"] = Token });

        Assert.DoesNotContain("pg-secret-value", settings.ToString());
        Assert.DoesNotContain(Token, settings.ToString());
        Assert.Contains("postgres@localhost:5432/postgres", settings.ToString());
    }

    [Fact]
    public void Ssl_mode_and_root_certificate_are_validated_and_reach_the_connection_string()
    {
        var ca = Write("ca.crt", "not read here");

        var badMode = Errors(new() { ["POSTGRES_SSL_MODE"] = "always" });
        var missingCa = Errors(new() { ["POSTGRES_SSL_MODE"] = "verify-full", ["POSTGRES_SSL_ROOT_CERT"] = Path.Combine(directory, "absent.crt") });
        var caWithoutVerification = Errors(new() { ["POSTGRES_SSL_MODE"] = "require", ["POSTGRES_SSL_ROOT_CERT"] = ca });
        var settings = SiloSettings.Load(new Dictionary<string, string?> { ["POSTGRES_SSL_MODE"] = "verify-full", ["POSTGRES_SSL_ROOT_CERT"] = ca });
        var connection = new NpgsqlConnectionStringBuilder(settings.PostgresConnectionString);

        Assert.Contains(badMode, e => e == "POSTGRES_SSL_MODE='always' must be one of: disable, prefer, require, verify-ca, verify-full");
        Assert.Contains(missingCa, e => e.StartsWith("POSTGRES_SSL_ROOT_CERT='", StringComparison.Ordinal) && e.EndsWith("is not a file that exists", StringComparison.Ordinal));
        Assert.Contains(caWithoutVerification, e => e.StartsWith("POSTGRES_SSL_ROOT_CERT is only used to verify the server", StringComparison.Ordinal));
        Assert.Equal(SslMode.VerifyFull, connection.SslMode);
        Assert.Equal(ca, connection.RootCertificate);
    }

    [Fact]
    public async Task The_silo_refuses_to_listen_beyond_loopback_without_a_token()
    {
        var output = await SiloRun.UntilAsync(
            new Dictionary<string, string> { ["HTTP_BIND"] = "0.0.0.0" }, line => line.Contains("HTTP_BIND=0.0.0.0"), TimeSpan.FromSeconds(30));

        Assert.Contains("Invalid configuration:", output);
    }

    private static IReadOnlyList<string> Errors(Dictionary<string, string?> variables) =>
        Assert.Throws<InvalidSettingsException>(() => SiloSettings.Load(variables)).Errors;

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }
}
