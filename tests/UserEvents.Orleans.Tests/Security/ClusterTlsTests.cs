using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using UserEvents.Orleans.Cli.Cluster;
using UserEvents.Orleans.Contracts;
using UserEvents.Orleans.Contracts.Stats;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>
/// From outside a silo with mutual TLS: only a client certificate of the cluster CA connects, and it reads stats but
/// cannot write; a silo of another CA cannot join; /health/ready tells anonymous callers statuses only.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed partial class ClusterTlsTests(ClusterTlsSiloFixture fixture) : IClassFixture<ClusterTlsSiloFixture>, IDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public void Dispose() => http.Dispose();

    [Fact]
    public async Task A_client_without_a_certificate_or_with_another_CAs_cannot_connect_and_each_refusal_is_counted()
    {
        var before = await RefusedAsync("gateway");

        var withoutCertificate = await Record.ExceptionAsync(() => ConnectAsync(null));
        var otherCa = await Record.ExceptionAsync(() => ConnectAsync(fixture.OtherCa.IssueClient("intruder")));

        Assert.NotNull(withoutCertificate);
        Assert.NotNull(otherCa);
        Assert.True(await WaitUntilAsync(async () => await RefusedAsync("gateway") >= before + 2, TimeSpan.FromSeconds(15)), "both refusals counted");
        Assert.Contains(fixture.Silo.Output, line => line.Contains("Refused a connection to the gateway port from 127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_with_a_valid_certificate_reads_stats_but_its_WriteAsync_is_refused_and_stores_nothing()
    {
        await Kcat.ProduceAsync(fixture.Brokers, fixture.Topic, SampleEvents.Generate(200));
        var stored = await IngestionAssertions.WaitForStoredAsync(fixture.Database, fixture.Topic, 200, TimeSpan.FromSeconds(90), () => fixture.Silo.RecentOutput);

        await using var connection = await ConnectAsync(fixture.Ca.IssueClient("operator"));
        var stats = await connection.Client.GetGrain<IIngestionStatsGrain>(0).GetAsync();
        var status = await connection.Client.GetGrain<IPartitionConsumerGrain>("0").GetStatusAsync();
        var forged = new UserEventBatch(fixture.Topic, 0, status.Checkpoint, status.Checkpoint + 1, [], [], DateTimeOffset.UtcNow);
        var write = await Record.ExceptionAsync(() => connection.Client.GetGrain<IEventWriterGrain>(0).WriteAsync([forged]));

        Assert.True(stats.EventsStored > 0, "stats are read");
        Assert.Equal(0, status.Partition);
        Assert.NotNull(write);
        Assert.Contains("internal to the cluster's silos", write.Message, StringComparison.Ordinal);
        Assert.Equal(stored.Stored, (await IngestionAssertions.ReadTotalsAsync(fixture.Database, fixture.Topic)).Stored);
        Assert.Equal(stored.CheckpointSum, (await IngestionAssertions.ReadTotalsAsync(fixture.Database, fixture.Topic)).CheckpointSum);
        Assert.Contains(fixture.Silo.Output, line => line.Contains("Refused IEventWriterGrain.WriteAsync", StringComparison.Ordinal) || line.Contains("Refused UserEvents.Orleans.Contracts.IEventWriterGrain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_cli_cluster_commands_take_the_same_tls_variables_and_need_a_client_certificate()
    {
        var withClient = new Dictionary<string, string>(fixture.Environment);
        fixture.Ca.IssueClient("cli").AddTo(withClient);
        var withoutTls = new Dictionary<string, string>(fixture.Environment);
        foreach (var name in withoutTls.Keys.Where(k => k.StartsWith("ORLEANS_TLS_", StringComparison.Ordinal)).ToList())
        {
            withoutTls.Remove(name);
        }

        var stats = await UserEventsCli.RunAsync(withClient, "lag");
        var refused = await UserEventsCli.RunAsync(withoutTls, "lag");

        Assert.True(stats.ExitCode == 0, stats.StandardOutput + stats.StandardError);
        Assert.Contains("total lag", stats.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("cannot connect to Orleans cluster", refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_with_another_CAs_certificate_cannot_join()
    {
        var environment = SiloEnvironment.For(fixture.Brokers, fixture.Topic, fixture.Database, ClusterTlsSiloFixture.ClusterId, migrate: false);
        fixture.OtherCa.IssueSilo("intruder-silo").AddTo(environment);
        await using var intruder = new SiloProcess("intruder", environment);
        intruder.Launch();

        var refused = await WaitUntilAsync(
            () => Task.FromResult(fixture.Silo.Output.Any(line => line.Contains("Refused a connection to the silo port from 127.0.0.1", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(90));
        var active = await PostgresServer.ScalarAsync<long>(
            fixture.Database,
            "SELECT count(*) FROM orleans_membership WHERE deploymentid = @cluster AND port = @port AND status = 3",
            ("cluster", ClusterTlsSiloFixture.ClusterId),
            ("port", int.Parse(environment["ORLEANS_SILO_PORT"], CultureInfo.InvariantCulture)));

        Assert.True(refused, "the silo port refused the intruder:" + System.Environment.NewLine + fixture.Silo.RecentOutput);
        Assert.Contains(fixture.Silo.Output, line => line.Contains("not issued by the cluster CA", StringComparison.Ordinal));
        Assert.Equal(0, active);
    }

    [Fact]
    public async Task Health_ready_without_the_token_gives_statuses_only_and_with_it_the_descriptions()
    {
        var database = new Npgsql.NpgsqlConnectionStringBuilder(fixture.Database).Database!;

        var anonymous = await http.GetStringAsync(fixture.Address("/health/ready"));
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Address("/health/ready"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterTlsSiloFixture.Token);
        using var response = await http.SendAsync(request);
        var detailed = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"postgresql\"", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("description", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain(database, anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", anonymous, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres@", anonymous, StringComparison.Ordinal);
        Assert.Contains("description", detailed, StringComparison.Ordinal);
        Assert.Contains(database, detailed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_certificates_days_to_expiry_are_a_gauge()
    {
        var days = await MetricAsync(@"^user_events_cluster_tls_certificate_expiry_days(\{[^}]*\})? (\S+)");

        Assert.InRange(days, 29, 30.01);
    }

    private async Task<ClusterConnection> ConnectAsync(ClusterCertificateFiles? files)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        return await ClusterConnection.ConnectAsync(fixture.Client(files), timeout.Token);
    }

    private async Task<double> RefusedAsync(string endpoint)
    {
        var page = await MetricsPageAsync();
        return page.Split('\n')
            .Where(line => line.StartsWith("user_events_cluster_tls_refused_total{", StringComparison.Ordinal) && line.Contains($"endpoint=\"{endpoint}\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private async Task<double> MetricAsync(string pattern)
    {
        var match = Regex.Match(await MetricsPageAsync(), pattern, RegexOptions.Multiline);
        Assert.True(match.Success, pattern);
        return double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
    }

    private async Task<string> MetricsPageAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, fixture.Address("/metrics"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClusterTlsSiloFixture.Token);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    // The client gives up as soon as the handshake fails; the silo counts the refusal just after.
    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(500);
        }

        return await condition();
    }
}
