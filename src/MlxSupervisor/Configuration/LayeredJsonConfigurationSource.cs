using Microsoft.Extensions.Configuration;

namespace MlxSupervisor.Configuration;

/// <summary>
/// The shipped defaults with the user's <c>--config</c> file layered over them, merged as JSON.
/// </summary>
/// <remarks>
/// Two ordinary JSON providers would merge lists index by index: a user file with two Arguments would keep
/// the defaults' third to sixth. Merging the documents first lets a list in the user's file replace the
/// default list whole, while objects still merge key by key, so the file may hold only what it changes.
/// </remarks>
public sealed class LayeredJsonConfigurationSource(IReadOnlyList<string> files) : IConfigurationSource
{
    public IReadOnlyList<string> Files { get; } = files;

    /// <summary>Whether the daemon watches <see cref="Files"/> and applies edits while it runs (see <see cref="SettingsWatcher"/>).</summary>
    public bool ReloadOnChange { get; init; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LayeredJsonConfigurationProvider(this);
}
