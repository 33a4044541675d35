using System.Net;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;
using Xunit.Abstractions;

namespace UserEvents.Orleans.Tests.Harness;

/// <summary>
/// The shared silo launcher (tests/Testing SiloProcess) starts a silo with only the environment it is given: silo
/// variables of the caller's shell (HTTP_AUTH_TOKEN, HTTP_BIND, a wrong WRITER_ setting) never reach it.
/// </summary>
[Collection(nameof(ProcessTests))]
public sealed class SiloProcessEnvironmentTests(ITestOutputHelper output)
{

    [Fact]
    public async Task Silo_variables_of_the_callers_environment_do_not_reach_the_silo()
    {
        await using var kafka = await KafkaTestBroker.StartAsync("user-events", partitions: 1);
        var database = await PostgresServer.CreateEmptyDatabaseAsync("inherit");
        var callers = Environment.GetEnvironmentVariables();
        callers["HTTP_AUTH_TOKEN"] = "a-token-from-the-callers-shell-0123456789";
        callers["HTTP_BIND"] = "0.0.0.0";
        callers["WRITER_MAX_BUFFERED_RECORDS"] = "not-a-number";

        await using var silo = new SiloProcess("inherit", SiloEnvironment.For(kafka.BootstrapServers, kafka.Topic, database, "inherit"), inherited: callers);
        await silo.StartAsync(TimeSpan.FromSeconds(90));
        var status = await StatsStatusAsync(silo.HttpPort);
        output.WriteLine(silo.Tail(20));

        Assert.True(status == HttpStatusCode.OK, $"/api/stats without a token answered {status}:{Environment.NewLine}{silo.Tail()}");
    }

    /// <summary>The status of /api/stats without credentials, once the silo serves it (not 503 while it starts).</summary>
    private static async Task<HttpStatusCode> StatsStatusAsync(int httpPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/api/stats"));
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
            {
                return response.StatusCode;
            }

            await Task.Delay(500);
        }
    }
}
