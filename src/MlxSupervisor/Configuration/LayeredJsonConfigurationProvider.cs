using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace MlxSupervisor.Configuration;

/// <summary>Loads and merges the files of a <see cref="LayeredJsonConfigurationSource"/>.</summary>
public sealed class LayeredJsonConfigurationProvider(LayeredJsonConfigurationSource source) : ConfigurationProvider
{
    // A repeated key is refused while parsing; JsonObject would otherwise throw an ArgumentException at first use.
    private static readonly JsonDocumentOptions Lenient = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
    };

    /// <summary>The files merged, in order; the settings watcher watches them.</summary>
    public IReadOnlyList<string> Files => source.Files;

    /// <summary>
    /// The keys of lists written as <c>[]</c>. A flattened configuration has no key for an empty list, so laying one
    /// server's <c>"FatalOutput": []</c> over the top-level list would otherwise keep the top-level items.
    /// </summary>
    public IReadOnlySet<string> EmptyLists { get; private set; } = new HashSet<string>();

    /// <summary>The keys the files after the first (the shipped defaults) set: what the person running the daemon wrote.</summary>
    public IReadOnlySet<string> KeysBeyondDefaults { get; private set; } = new HashSet<string>();

    public override void Load()
    {
        var merged = Merge(source.Files);
        var data = Flatten(merged);
        var empty = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        CollectEmptyLists(merged, "", empty);
        IEnumerable<string> beyond = source.Files.Count > 1 ? Flatten(Merge(source.Files.Skip(1))).Keys : [];
        Data = data;
        EmptyLists = empty;
        KeysBeyondDefaults = new HashSet<string>(beyond, StringComparer.OrdinalIgnoreCase);
    }

    private static void CollectEmptyLists(JsonObject node, string path, HashSet<string> found)
    {
        foreach (var (key, value) in node)
        {
            var full = path.Length == 0 ? key : $"{path}:{key}";
            if (value is JsonArray { Count: 0 })
                found.Add(full);
            else if (value is JsonObject child)
                CollectEmptyLists(child, full, found);
        }
    }

    /// <summary>Reads the files again; throws <see cref="SettingsException"/> and keeps the old data when one is bad.</summary>
    public void Reload()
    {
        Load();
        OnReload();
    }

    internal static JsonObject Merge(IEnumerable<string> files)
    {
        var merged = new JsonObject();
        foreach (var file in files)
            MergeInto(merged, Read(file));
        return merged;
    }

    private static JsonObject Read(string file)
    {
        if (!File.Exists(file))
            throw new SettingsException([$"Settings file '{file}' does not exist."]);
        try
        {
            return JsonNode.Parse(File.ReadAllText(file), documentOptions: Lenient) as JsonObject
                ?? throw new SettingsException([$"Settings file '{file}' must hold a JSON object."]);
        }
        catch (JsonException e)
        {
            throw new SettingsException([$"Settings file '{file}' is not valid JSON: {e.Message}"]);
        }
        catch (IOException e)
        {
            throw new SettingsException([$"Settings file '{file}' cannot be read: {e.Message}"]);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new SettingsException([$"Settings file '{file}' cannot be read: {e.Message}"]);
        }
    }

    private static void MergeInto(JsonObject target, JsonObject overlay)
    {
        foreach (var (key, value) in overlay.ToList())
        {
            var existing = target.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase));
            if (existing.Value is JsonObject targetChild && value is JsonObject overlayChild)
            {
                MergeInto(targetChild, overlayChild);
                continue;
            }
            if (existing.Key is not null)
                target.Remove(existing.Key);
            target[key] = value?.DeepClone();
        }
    }

    private static Dictionary<string, string?> Flatten(JsonObject merged)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(merged.ToJsonString()));
        var flat = new ConfigurationBuilder().AddJsonStream(stream).Build();
        return flat.AsEnumerable()
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
    }
}
