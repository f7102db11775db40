using System.Globalization;
using FluentAssertions;
using Microsoft.Playwright;
using MlxSupervisor.Configuration;
using MlxSupervisor.FrontDoor;
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
/// The screenshots land beside the test binaries, or in MLXSUP_SCREENSHOTS (docs/ when refreshing the README's).
/// </summary>
public sealed class StatusPageSpecs
{
    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run",
    ];

    private static readonly float PageWait = (float)Timeouts.Wait.TotalMilliseconds;

    private static async Task<IPage> OpenAsync(IPlaywright playwright, string chromium, Uri address, List<IBrowser> browsers)
    {
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        browsers.Add(browser);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 1000 } });
        await page.GotoAsync(address.ToString());
        return page;
    }

    private static async Task<string[]> LinesOf(ILocator box) => [.. (await box.Locator("div").AllTextContentsAsync()).Select(t => t.Trim())];

    [SkippableFact(Timeout = Timeouts.ProcessTestMs)]
    public async Task The_page_shows_the_server_coming_back_with_a_new_pid_after_it_is_killed()
    {
        var chromium = RequiredTools.Chromium.Require();
        await using var s = new StatusHarness([], frontDoor: fleet => new FrontDoorFigures(fleet));
        await s.StartAsync();
        var first = (await s.Supervisor.WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        s.Activity.ForwardStarted();
        s.Activity.ServerSentBytes();
        s.Activity.Rejected(Rejection.QueueFull);
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
        var frontDoor = await LinesOf(page.Locator("#frontdoor"));
        var health = await page.Locator("#health-detail").TextContentAsync();
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("status-page.png"), FullPage = true });

        pid.Should().Be(s.Supervisor.Supervisor.Status.Current.Pid!.Value.ToString(CultureInfo.InvariantCulture));
        events.Should().Contain($"pid={first} exited").And.Contain("SIGKILL");
        (await page.Locator("#last-exit").TextContentAsync()).Should().Be("SIGKILL");
        (await page.Locator("#conn").TextContentAsync()).Should().Be("live");
        frontDoor.Should().HaveCount(4);
        frontDoor[0].Should().Be("1 in flight, 0 queued, 0 waiting for the server");
        frontDoor[1].Should().Be("no request admitted yet");
        frontDoor[2].Should().MatchRegex(@"^last byte \d+ s ago$");
        frontDoor[3].Should().Be("1 refused: the queue was full", "only the cause that happened has a line");
        // The first startup probes may well have been refused while the server was still binding its port: then the
        // page says so, as past.
        health.Should().MatchRegex(@"^last ok \d+ s ago( · last error \d+ s ago, during startup: .+ \(probes have passed since\))?$");
    }

    [SkippableFact(Timeout = Timeouts.UnitTestMs)]
    public async Task The_front_door_and_a_health_error_read_in_words_and_units_with_times_as_ago()
    {
        var chromium = RequiredTools.Chromium.Require();
        await using var f = new FakeFleet([]);
        var h = f.Only;
        h.Options.Health.Interval = TimeSpan.FromSeconds(10);
        h.Probe.Failure = "connection refused";
        h.Run();
        await h.WaitFor(x => x.Health.LastError is not null);
        h.Probe.Failure = null;
        h.Time.Advance(h.Options.Health.StartupProbeInterval);
        await h.WaitFor(x => x.State == SupervisorState.Running);
        var requests = f.Activity(ServerSettings.DefaultName);
        FrontDoorTraffic.Busy(requests);
        h.Time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(2));
        await h.WaitFor(x => x.Health.LastOkAt == h.Time.GetUtcNow());
        requests.ServerSentBytes();
        h.Time.Advance(TimeSpan.FromSeconds(2)); // Within Health:Interval: no probe, so the last ok is 2 s old too.
        var address = await f.StartStatusAsync();
        using var playwright = await Playwright.CreateAsync();
        var browsers = new List<IBrowser>();

        var page = await OpenAsync(playwright, chromium, address, browsers);
        await Expect(page.Locator("#frontdoor-card")).ToBeVisibleAsync(new() { Timeout = PageWait });
        var frontDoor = await LinesOf(page.Locator("#frontdoor"));
        var card = await page.Locator("#frontdoor-card").InnerTextAsync();
        var health = await page.Locator("#health-detail").TextContentAsync();
        var healthValue = await page.Locator("#health").TextContentAsync();
        foreach (var browser in browsers)
            await browser.DisposeAsync();

        frontDoor.Should().Equal(
            "2 in flight, 1 queued, 1 waiting for the server",
            "mean wait 1.3 s, longest 2.6 s (2 admitted)",
            "last byte 2 s ago",
            "3 refused: the queue was full",
            "1 failed");
        card.Should().NotContainAny("inFlight", "waitingForServer", "meanQueueWaitSeconds", "rejected", "lastByteAt", "{", "\"");
        card.Should().NotMatchRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d", "no ISO timestamps");
        healthValue.Should().Be("ok", "the error is past: a probe has passed since");
        health.Should().Be("last ok 2 s ago · last error 3 min ago, during startup: connection refused (probes have passed since)");
    }

    [SkippableFact(Timeout = Timeouts.ProcessTestMs)]
    public async Task A_fleet_has_a_card_and_a_timeline_row_per_server_and_a_killed_server_comes_back_on_its_own_row()
    {
        var chromium = RequiredTools.Chromium.Require();
        await using var f = new FleetHarness(["coder", "chat"], fleet: o => o.MemoryBudget = "8GB");
        await f.StartAsync();
        await f["coder"].WaitFor(x => x.State == SupervisorState.Running);
        var first = (await f["chat"].WaitFor(x => x.State == SupervisorState.Running)).Pid!.Value;
        using var playwright = await Playwright.CreateAsync();
        var browsers = new List<IBrowser>();
        var page = await OpenAsync(playwright, chromium, f.Address, browsers);
        var chat = page.Locator("#servers [data-server=chat]");
        var coder = page.Locator("#servers [data-server=coder]");
        await Expect(chat.Locator("[data-field=pid]")).ToHaveTextAsync(first.ToString(CultureInfo.InvariantCulture), new() { Timeout = PageWait });

        NativeMethods.Kill(first, Signals.SIGKILL);
        await page.WaitForFunctionAsync(
            """
            first => {
              const chat = document.querySelector("#servers [data-server=chat]");
              return chat && chat.dataset.state === "Running" && /^\d+$/.test(chat.querySelector("[data-field=pid]").textContent)
                && chat.querySelector("[data-field=pid]").textContent !== String(first)
                && document.querySelectorAll("#timeline g[data-server=chat] [data-kind=exited]").length >= 1;
            }
            """,
            first, new() { Timeout = PageWait, PollingInterval = 100 });
        using var stop = await f.PostAsync("/stop?server=coder");
        await Expect(coder.Locator("[data-field=held]")).ToHaveTextAsync("operator stop via the status endpoint; 'mlx-supervisor start coder' starts it",
            new() { Timeout = PageWait });
        await page.ScreenshotAsync(new() { Path = ScreenshotPath("status-page-fleet.png"), FullPage = true });
        var cards = await page.Locator("#servers article").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.server)");
        var hero = await page.Locator("#hero").IsVisibleAsync();
        var ledger = await page.Locator("#ledger").TextContentAsync();
        var startedChat = await page.Locator("#timeline g[data-server=chat] [data-kind=started]").CountAsync();
        var exitedCoder = await page.Locator("#timeline g[data-server=coder] [data-kind=exited]").CountAsync();
        var coderPid = await coder.Locator("[data-field=pid]").TextContentAsync();
        var coderHealth = await coder.Locator("[data-field=health]").TextContentAsync();
        var events = await page.Locator("#events").TextContentAsync();
        foreach (var browser in browsers)
            await browser.DisposeAsync();

        cards.Should().Equal("chat", "coder");
        hero.Should().BeFalse("a fleet has a card per server instead of the single server's");
        startedChat.Should().BeGreaterThanOrEqualTo(2, "chat's row has both its starts");
        exitedCoder.Should().Be(0, "coder's row has no exit: only chat was killed");
        coderPid.Should().Be("–");
        coderHealth.Should().Be("–", "a stopped server is neither ok nor failing");
        ledger.Should().MatchRegex(@"^[\d.]+ MiB used, nothing reserved for servers starting, of a budget of 8\.0 GiB$");
        events.Should().Contain($"chat: pid={first} exited");
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

    /// <summary>Beside the test binaries; MLXSUP_SCREENSHOTS names another folder (docs/ when refreshing the README's).</summary>
    private static string ScreenshotPath(string name) =>
        Path.Combine(Environment.GetEnvironmentVariable("MLXSUP_SCREENSHOTS") is { Length: > 0 } folder ? folder : AppContext.BaseDirectory, name);
}
