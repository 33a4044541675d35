using System.Net;
using System.Net.Http.Headers;
using System.Text;
using UserEvents.Orleans.Tests.EndToEnd;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Security;

/// <summary>With HTTP_AUTH_TOKEN, the page, dashboard, API and /metrics answer 401 without the token and 200 with it; /health/* stays open.</summary>
[Collection(nameof(ProcessTests))]
public sealed class HttpAccessTests(TokenProtectedSiloFixture silo) : IClassFixture<TokenProtectedSiloFixture>, IDisposable
{
    public static TheoryData<string> ProtectedPaths => new() { "/", "/ingestion-page/ingestion.js", "/api/stats", "/api/partitions", "/metrics", "/dashboard" };

    private readonly HttpClient http = new(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(15) };

    public void Dispose() => http.Dispose();

    [Theory]
    [MemberData(nameof(ProtectedPaths))]
    public async Task Without_the_token_the_answer_is_401_with_a_challenge(string path)
    {
        using var response = await http.GetAsync(silo.Address(path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");
        Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
    }

    [Theory]
    [MemberData(nameof(ProtectedPaths))]
    public async Task With_the_token_as_bearer_or_basic_password_the_answer_is_served(string path)
    {
        using var bearer = await SendAsync(path, new AuthenticationHeaderValue("Bearer", TokenProtectedSiloFixture.Token));
        using var basic = await SendAsync(path, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("anyone:" + TokenProtectedSiloFixture.Token))));

        Assert.True(bearer.IsSuccessStatusCode || bearer.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently, $"{path}: {bearer.StatusCode}");
        Assert.Equal(bearer.StatusCode, basic.StatusCode);
    }

    [Fact]
    public async Task A_wrong_token_is_401()
    {
        using var wrongBearer = await SendAsync("/api/stats", new AuthenticationHeaderValue("Bearer", TokenProtectedSiloFixture.Token + "x"));
        using var wrongBasic = await SendAsync("/api/stats", new AuthenticationHeaderValue("Basic", Convert.ToBase64String("user:nope"u8.ToArray())));
        using var garbage = await SendAsync("/api/stats", new AuthenticationHeaderValue("Basic", "%%%"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongBearer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongBasic.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
    }

    [Fact]
    public async Task Health_stays_open_and_the_healthcheck_mode_exits_0_when_ready()
    {
        using var live = await http.GetAsync(silo.Address("/health/live"));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        var ready = await WaitForReadyAsync();
        var probe = await ProcessRunner.RunAsync(
            "dotnet", [RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"), "--healthcheck"], TimeSpan.FromSeconds(30), environment: silo.Environment);

        Assert.Equal(HttpStatusCode.OK, ready);
        Assert.True(probe.ExitCode == 0, probe.StandardOutput + probe.StandardError);
        Assert.Contains("/health/ready: 200", probe.StandardOutput);
    }

    [Fact]
    public async Task The_healthcheck_mode_exits_1_when_no_silo_answers()
    {
        var environment = new Dictionary<string, string>(silo.Environment) { ["HTTP_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) };

        var probe = await ProcessRunner.RunAsync(
            "dotnet", [RepositoryPaths.ProgramDll("Silo", "UserEvents.Orleans.Silo"), "--healthcheck"], TimeSpan.FromSeconds(30), environment: environment);

        Assert.Equal(1, probe.ExitCode);
    }

    private async Task<HttpStatusCode> WaitForReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var ready = await http.GetAsync(silo.Address("/health/ready"));
            if (ready.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                return ready.StatusCode;
            }

            await Task.Delay(250);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, silo.Address(path));
        request.Headers.Authorization = authorization;
        return await http.SendAsync(request);
    }
}
