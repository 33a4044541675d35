using System.Net;
using UserEvents.Orleans.Silo.Configuration;

namespace UserEvents.Orleans.Silo.Modes;

/// <summary>
/// <c>--healthcheck</c>: asks the silo running in this container for <c>/health/ready</c> and exits 0 when it answers 200,
/// 1 otherwise (for Docker's HEALTHCHECK; the runtime image has no curl).
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--healthcheck";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(SiloSettings settings)
    {
        var address = settings.Http.Bind switch
        {
            var any when any.Equals(IPAddress.Any) => IPAddress.Loopback,
            var any when any.Equals(IPAddress.IPv6Any) => IPAddress.IPv6Loopback,
            var bound => bound,
        };
        var uri = new UriBuilder(Uri.UriSchemeHttp, address.ToString(), settings.Http.Port, "/health/ready").Uri;
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(uri);
            Console.WriteLine($"{uri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.StatusCode == HttpStatusCode.OK ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{uri}: {exception.Message}");
            return 1;
        }
    }
}
