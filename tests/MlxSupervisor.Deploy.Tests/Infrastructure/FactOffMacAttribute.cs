namespace MlxSupervisor.Deploy.Tests.Infrastructure;

/// <summary>A fact that is skipped on macOS, where the installer would act on the real launchd.</summary>
public sealed class FactOffMacAttribute : FactAttribute
{
    public FactOffMacAttribute(string whyNotOnMac)
    {
        if (OperatingSystem.IsMacOS())
            Skip = whyNotOnMac;
    }
}
