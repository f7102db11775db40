using System.Text.Json;

namespace MlxSupervisor.State;

/// <summary><c>server.json</c> in the state directory: the server this daemon started, while it runs.</summary>
public sealed class ServerStateFile(string directory)
{
    public const string FileName = "server.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>Replaces the file at once: written beside it, then renamed over it, so a crash never leaves half a record.</summary>
    public void Write(ServerRecord record)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, Json));
        File.Move(temporary, Path, overwrite: true);
    }

    /// <returns>The record, or null when there is none; <paramref name="problem"/> says why an existing file was unusable.</returns>
    public ServerRecord? Read(out string? problem)
    {
        problem = null;
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<ServerRecord>(File.ReadAllText(Path), Json) : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>Removes the record if it still names <paramref name="pid"/> (a later spawn may have replaced it).</summary>
    public void Clear(int pid)
    {
        if (Read(out _) is { } record && record.Pid != pid)
            return;
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
