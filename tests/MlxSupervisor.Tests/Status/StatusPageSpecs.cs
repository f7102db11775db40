using System.Globalization;
using FluentAssertions;
using Microsoft.Playwright;
using MlxSupervisor.Process;
using MlxSupervisor.Supervision;
using MlxSupervisor.Testing.Tools;
using MlxSupervisor.Tests.Support;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace MlxSupervisor.Tests.Status;

/// <summary>
/// The status page in headless Chromium (Debian's chromium package, driven by Playwright's own driver; Playwright
/// downloads no browser). Skipped where chromium is missing, and failed under CI (<see cref="RequiredTools.Chromium"/>).
/// </summary>
public sealed class StatusPageSpecs
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private static readonly float PageWait = (float)Timeouts.Wait.TotalMilliseconds;

    [SkippableFact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_page_shows_the_server_coming_back_with_a_new_pid_after_it_is_killed()
    {
        var chromium = RequiredTools.Chromium.Require();
        await using var s = new StatusHarness([]);
        await s.StartAsync();
        var first = (await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        await page.GotoAsync(s.Address.ToString());
        await Expect(page.Locator("#state")).ToHaveTextAsync("Running", new() { Timeout = PageWait });
        await Expect(page.Locator("#pid")).ToHaveTextAsync(first.ToString(CultureInfo.InvariantCulture), new() { Timeout = PageWait });

        NativeMethods.Kill(first, Signals.SIGKILL);

        await page.WaitForFunctionAsync(
            """
            first => document.body.dataset.state === "Running"
                && /^\d+$/.test(document.getElementById("pid").textContent)
                && document.getElementById("pid").textContent !== String(first)
                && document.querySelectorAll("#timeline [data-kind=started]").length >= 2
                && document.querySelectorAll("#timeline [data-kind=exited]").length >= 1
            """,
            first, new() { Timeout = PageWait, PollingInterval = 100 });
        await page.Locator(".zoom button[data-minutes='10']").ClickAsync();
        await Expect(page.Locator("#timeline-title")).ToHaveTextAsync("Last 10 minutes");
        (await page.Locator("#timeline [data-kind=started]").CountAsync()).Should().BeGreaterThanOrEqualTo(2, "the zoomed timeline still shows both starts");
        var pid = await page.Locator("#pid").TextContentAsync();
        var events = await page.Locator("#events").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath(), FullPage = true });

        pid.Should().Be(s.Supervisor.Supervisor.Status.Current.Pid!.Value.ToString(CultureInfo.InvariantCulture));
        events.Should().Contain($"pid={first} exited").And.Contain("SIGKILL");
        (await page.Locator("#last-exit").TextContentAsync()).Should().Be("SIGKILL");
        (await page.Locator("#conn").TextContentAsync()).Should().Be("live");
    }

    [SkippableFact(Timeout = Timeouts.ProcessTestMs)]
    public async Task While_the_circuit_is_open_the_page_counts_down_to_the_next_trial()
    {
        var chromium = RequiredTools.Chromium.Require();
        await using var s = new StatusHarness(["--crash-after-ms", "0"], o =>
        {
            o.Restart.InitialDelay = TimeSpan.FromMilliseconds(20);
            o.Restart.MaxDelay = TimeSpan.FromMilliseconds(100);
            o.CircuitBreaker.FailureThreshold = 2;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromMinutes(5);
        });
        await s.StartAsync();
        await s.Supervisor.WaitFor(x => x.State == SupervisorState.CircuitOpen);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(s.Address.ToString());
        await Expect(page.Locator("#state")).ToHaveTextAsync("CircuitOpen", new() { Timeout = PageWait });

        await Expect(page.Locator("#countdown")).ToBeVisibleAsync(new() { Timeout = PageWait });
        (await page.Locator("#countdown-label").TextContentAsync()).Should().Contain("next trial in");
        (await page.Locator("#countdown-value").TextContentAsync()).Should().MatchRegex(@"^[45] min \d+ s$");
        (await page.Locator("#timeline [data-kind=circuit-open]").CountAsync()).Should().Be(1, "the open circuit is drawn as a band");
    }

    /// <summary>Beside the test binaries; MLXSUP_SCREENSHOT sends it elsewhere (docs/status-page.png when refreshing the docs).</summary>
    private static string ScreenshotPath() =>
        Environment.GetEnvironmentVariable("MLXSUP_SCREENSHOT") is { Length: > 0 } path
            ? path
            : Path.Combine(AppContext.BaseDirectory, "status-page.png");
}
