namespace KkboxNcf.LocalBroker;

/// <summary>
/// The file a launcher waits for: it appears (atomically, via rename) only when the broker accepts
/// connections and the topics exist, holds the bootstrap servers on one line, and is deleted on stop.
/// </summary>
public sealed class ReadyFile(string? path)
{
    /// <summary>A file left by a crashed run must not make a launcher think this run is ready.</summary>
    /// <exception cref="BrokerStartupException">The stale file cannot be removed.</exception>
    public void RemoveStale()
    {
        try
        {
            Remove();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BrokerStartupException(ExitCodes.ReadyFileFailed, $"cannot remove the stale ready file {path}: {e.Message}", e);
        }
    }

    /// <exception cref="BrokerStartupException">The file cannot be written (bad directory, permissions).</exception>
    public void Write(string bootstrapServers)
    {
        if (path is null) return;
        try
        {
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            var tmp = full + ".tmp";
            File.WriteAllText(tmp, bootstrapServers + "\n");
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BrokerStartupException(ExitCodes.ReadyFileFailed, $"cannot write the ready file {path}: {e.Message}", e);
        }
    }

    public void Remove()
    {
        if (path is not null && File.Exists(path)) File.Delete(path);
    }
}
