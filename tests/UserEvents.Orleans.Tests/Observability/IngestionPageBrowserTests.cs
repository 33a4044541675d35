using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using UserEvents.Orleans.Silo.Http;
using UserEvents.Orleans.Tests.Infrastructure;

namespace UserEvents.Orleans.Tests.Observability;

/// <summary>
/// The ingestion page exactly as the silo serves it (<see cref="IngestionPageEndpoints"/> and its embedded files) in headless
/// Chromium, fed by <see cref="FakeStatsApi"/> in this test's own Kestrel host. Saves .local/ingestion-page-fake-api.png.
/// </summary>
public sealed class IngestionPageBrowserTests : IAsyncLifetime
{
    private readonly FakeStatsApi api = new();
    private WebApplication host = null!;
    private HeadlessChromium chromium = null!;

    private string BaseAddress => host.Urls.Single();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        host = builder.Build();
        host.MapIngestionPage();
        api.Map(host);
        await host.StartAsync();
        chromium = await HeadlessChromium.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        await chromium.DisposeAsync();
        await host.DisposeAsync();
    }

    [Fact]
    public async Task The_page_renders_totals_charts_and_partitions_from_api_stats_and_is_saved_as_a_screenshot()
    {
        var page = await chromium.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(BaseAddress + "/");
        await page.WaitForSelectorAsync("body[data-state=live]", new PageWaitForSelectorOptions { Timeout = 10_000 });

        var stored = await page.Locator("#events-stored").TextContentAsync();
        Assert.Contains(stored, api.ServedEventsStored.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)));
        Assert.Equal(6, await page.Locator("#partitions-body tr[data-partition]").CountAsync());
        Assert.Contains("127.0.0.1:11112@155000002", await page.Locator("#partitions-body").InnerTextAsync());
        Assert.Matches(new Regex("^view\\s+46%"), (await page.Locator("#event-types li").First.InnerTextAsync()).Trim());
        Assert.Equal(6, await page.Locator("#lag-legend .item").CountAsync());

        // A few seconds of polls, so the charts show lines (every poll adds a point).
        await page.WaitForFunctionAsync(
            "() => document.querySelectorAll('#rate-chart path').length >= 3 && document.querySelectorAll('#lag-chart path').length >= 6",
            null,
            new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 200 });
        await page.WaitForTimeoutAsync(3_000);
        Assert.Matches(new Regex("^[0-9,.]+$"), await page.Locator("#rate-now").TextContentAsync());
        Assert.Equal("/dashboard", await page.Locator("a", new PageLocatorOptions { HasText = "Orleans dashboard" }).GetAttributeAsync("href"));

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.Root, ".local", "ingestion-page-fake-api.png") });
        Assert.Empty(errors);
    }
}
