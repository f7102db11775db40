using Microsoft.Extensions.Configuration;

namespace MlxSupervisor.Configuration;

/// <summary>
/// Lays one section of flattened configuration over another, the way the settings files layer: a value replaces a
/// value, an object merges key by key, and a list replaces the whole list (a server's shorter <c>FatalOutput</c> must
/// not keep the tail of the top-level one).
/// </summary>
internal static class ConfigurationOverlay
{
    /// <param name="defaults">Keys relative to the section the overlay is laid over.</param>
    /// <param name="emptyLists">Full keys of lists written as <c>[]</c>, which have no key of their own once flattened.</param>
    public static Dictionary<string, string?> Lay(IReadOnlyDictionary<string, string?> defaults, IConfigurationSection overlay,
        IReadOnlySet<string> emptyLists)
    {
        var merged = new Dictionary<string, string?>(defaults, StringComparer.OrdinalIgnoreCase);
        LayInto(merged, overlay, "");
        foreach (var list in emptyLists)
        {
            if (list.StartsWith(overlay.Path + ":", StringComparison.OrdinalIgnoreCase))
                RemoveUnder(merged, list[(overlay.Path.Length + 1)..]);
        }
        return merged;
    }

    /// <summary>The section's keys, relative to it, with their values.</summary>
    public static Dictionary<string, string?> Flatten(IConfigurationSection section) =>
        section.AsEnumerable(makePathsRelative: true).Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    private static void LayInto(Dictionary<string, string?> merged, IConfigurationSection overlay, string path)
    {
        foreach (var child in overlay.GetChildren())
        {
            var key = path.Length == 0 ? child.Key : $"{path}:{child.Key}";
            var children = child.GetChildren().ToList();
            if (children.Count == 0 || children.All(c => int.TryParse(c.Key, out _)))
            {
                RemoveUnder(merged, key);
                foreach (var (relative, value) in Flatten(child))
                    merged[relative.Length == 0 ? key : $"{key}:{relative}"] = value;
                if (children.Count == 0 && child.Value is { } scalar)
                    merged[key] = scalar;
            }
            else
            {
                LayInto(merged, child, key);
            }
        }
    }

    private static void RemoveUnder(Dictionary<string, string?> merged, string key)
    {
        foreach (var existing in merged.Keys.Where(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)
            || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase)).ToList())
            merged.Remove(existing);
    }
}
