using System.Globalization;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// A throwaway PostgreSQL cluster of its own (scripts/postgres.sh, as the postgres user) with ssl=on and a certificate signed by
/// a CA made here: <see cref="CaCertificate"/>. Stopped and deleted at the end. Superuser postgres/postgres on TCP.
/// </summary>
public sealed class TlsPostgresServer : IAsyncLifetime
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"ue-tls-{Guid.NewGuid():N}");

    public int Port { get; } = FreePort.Next();

    public string CaCertificate { get; private set; } = "";

    private string DataDirectory => Path.Combine(directory, "data");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        await PostgresScriptAsync("start");
        var (ca, certificate, key) = TestCertificateAuthority.Create(directory);
        CaCertificate = ca;
        File.Copy(certificate, Path.Combine(DataDirectory, "server.crt"));
        File.Copy(key, Path.Combine(DataDirectory, "server.key"));
        await RunAsync("chown", "postgres:postgres", Path.Combine(DataDirectory, "server.crt"), Path.Combine(DataDirectory, "server.key"));
        await RunAsync("chmod", "600", Path.Combine(DataDirectory, "server.key"));
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n");
        await PostgresScriptAsync("stop");
        await PostgresScriptAsync("start");
    }

    public async Task DisposeAsync()
    {
        await PostgresScriptAsync("stop");
        Directory.Delete(directory, recursive: true);
    }

    private Task PostgresScriptAsync(string command) =>
        RunAsync(
            "bash",
            [Path.Combine(RepositoryPaths.Root, "scripts", "postgres.sh"), command],
            new Dictionary<string, string> { ["PGPORT"] = Port.ToString(CultureInfo.InvariantCulture), ["PGDATA_DIR"] = DataDirectory });

    private static Task RunAsync(string program, params string[] arguments) => RunAsync(program, arguments, null);

    private static async Task RunAsync(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, TimeSpan.FromSeconds(60), environment: environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {result.ExitCode}: {result.StandardError}{result.StandardOutput}");
        }
    }
}
