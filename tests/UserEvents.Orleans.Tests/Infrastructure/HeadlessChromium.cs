using Microsoft.Playwright;

namespace UserEvents.Orleans.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium (apt package chromium, installed here when missing and we are root) driven by Playwright, headless.
/// Playwright never downloads a browser of its own: it is always given <see cref="ExecutablePath"/>.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Flags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        this.browser = browser;
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        await EnsureInstalledAsync();
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ExecutablePath, Headless = true, Args = Flags });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A page the size the ingestion page is designed for.</summary>
    public Task<IPage> NewPageAsync() =>
        browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 }, Locale = "en-US" });

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }

    private static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (sudo apt-get install -y chromium)");
        }

        foreach (var arguments in new[] { new[] { "update", "-qq" }, ["install", "-y", "-qq", "chromium"] })
        {
            var result = await ProcessRunner.RunAsync("apt-get", arguments, TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"apt-get {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.StandardError}");
            }
        }
    }
}
