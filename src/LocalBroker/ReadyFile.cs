namespace KkboxNcf.LocalBroker;

/// <summary>
/// The file a launcher waits for: it appears (atomically, via rename) only when the broker accepts
/// connections and the topics exist, holds the bootstrap servers on one line, and is deleted on stop.
/// </summary>
public sealed class ReadyFile(string? path)
{
    /// <summary>A file left by a crashed run must not make a launcher think this run is ready.</summary>
    public void RemoveStale() => Remove();

    public void Write(string bootstrapServers)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        File.WriteAllText(tmp, bootstrapServers + "\n");
        File.Move(tmp, full, overwrite: true);
    }

    public void Remove()
    {
        if (path is not null) File.Delete(path);
    }
}
