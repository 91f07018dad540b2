using System.Diagnostics;

namespace PolisClustering.Api.Tests.Http;

/// <summary>The browsable API page, rendered by a real headless Chromium against the service on loopback.</summary>
public sealed class ApiPageBrowserTests
{
    [Fact]
    public async Task DocsPage_HeadlessChromium_RendersTheOperationsFromTheOpenApiDocument()
    {
        var ct = TestContext.Current.CancellationToken;
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            var message = "Chromium not found: install the Debian package 'chromium'.";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Skip(message);
        }

        await using var service = await ServiceProcess.StartAsync([], ct);
        var profile = Directory.CreateTempSubdirectory("polis-chromium-");
        try
        {
            var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile.FullName}", "--virtual-time-budget=10000", "--dump-dom",
                new Uri(service.Address, "/docs/index.html").ToString(),
            })
            {
                start.ArgumentList.Add(arg);
            }

            using var browser = Process.Start(start)!;
            var dom = browser.StandardOutput.ReadToEndAsync(ct);
            _ = browser.StandardError.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await browser.WaitForExitAsync(timeout.Token);
            var html = await dom;

            // Swagger UI builds these elements in the browser from /openapi/v1.json; the static page has none of them.
            Assert.Contains("opblock-summary-path", html, StringComparison.Ordinal);
            Assert.Contains("/cluster", html, StringComparison.Ordinal);
            Assert.Contains("/jobs/{id}", html, StringComparison.Ordinal);
            Assert.Contains("/queue/status", html, StringComparison.Ordinal);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
