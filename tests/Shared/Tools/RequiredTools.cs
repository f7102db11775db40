namespace MlxSupervisor.Testing.Tools;

/// <summary>
/// Every tool a spec needs from outside the repo. .ci/run installs each of these packages, and the README's
/// "What the tests need" lists them; a spec checks that the three agree.
/// </summary>
internal static class RequiredTools
{
    /// <summary>The status page's browser specs drive Debian's build through Playwright, which downloads no browser.</summary>
    public static readonly RequiredTool Chromium = new("chromium", "chromium");

    /// <summary>The deploy scripts are linted with it.</summary>
    public static readonly RequiredTool Shellcheck = new("shellcheck", "shellcheck");

    /// <summary>The systemd unit is checked with <c>systemd-analyze verify</c>.</summary>
    public static readonly RequiredTool SystemdAnalyze = new("systemd-analyze", "systemd");

    public static IReadOnlyList<RequiredTool> All { get; } = [Chromium, Shellcheck, SystemdAnalyze];
}
