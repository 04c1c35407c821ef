using System.Globalization;
using KkboxNcf.Model.Checkpoints;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer.Checkpointing;

/// <summary>
/// The checkpoint folder: ckpt-VERSION.kkc files (version = model version, zero-padded so names sort),
/// the newest K kept. Loading tries the newest first and skips (and reports) any that does not verify.
/// </summary>
public sealed class CheckpointStore
{
    const string Prefix = "ckpt-";
    const string Extension = ".kkc";
    readonly ILogger _log;

    public CheckpointStore(string directory, int keep, ILogger log)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        Keep = keep;
        _log = log;
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public int Keep { get; }

    /// <summary>Checkpoints found corrupt or unreadable by LoadNewest.</summary>
    public int Skipped { get; private set; }

    public string PathOf(long version) => System.IO.Path.Combine(Directory, $"{Prefix}{version:D10}{Extension}");

    /// <summary>Checkpoint files, newest first.</summary>
    public IReadOnlyList<(long Version, string Path)> List() =>
        System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension)
            .Select(p => (Ok: long.TryParse(System.IO.Path.GetFileNameWithoutExtension(p)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out long v), Version: v, Path: p))
            .Where(x => x.Ok)
            .OrderByDescending(x => x.Version)
            .Select(x => (x.Version, x.Path))
            .ToList();

    /// <summary>
    /// The newest checkpoint that verifies and restores, with its manifest; null when there is none.
    /// Half-written files (.partial, left by a crash during a write) are deleted first.
    /// </summary>
    public (T State, CheckpointManifest Manifest)? LoadNewest<T>(Func<CheckpointContents, T> restore)
    {
        foreach (var partial in System.IO.Directory.EnumerateFiles(Directory, "*" + CheckpointFile.PartialSuffix))
        {
            _log.LogWarning("Deleting {Partial}: a checkpoint write that did not finish", partial);
            File.Delete(partial);
        }
        foreach (var (version, path) in List())
        {
            try
            {
                var contents = CheckpointFile.Read(path, null);
                var manifest = contents.Parse(CheckpointManifest.SectionName, CheckpointManifest.Read);
                var state = restore(contents);
                return (state, manifest);
            }
            catch (Exception e) when (e is CheckpointCorruptException or IOException or UnauthorizedAccessException)
            {
                Skipped++;
                _log.LogError("Skipping checkpoint {Version} ({Path}): {Reason}", version, path, e.Message);
            }
        }
        return null;
    }

    /// <summary>Writes a checkpoint durably; returns its path and SHA-256.</summary>
    public (string Path, string Sha256) Write(long version, IEnumerable<CheckpointSection> sections)
    {
        string path = PathOf(version);
        string sha = CheckpointFile.Write(path, sections);
        return (path, sha);
    }

    /// <summary>Deletes all but the newest Keep checkpoints.</summary>
    public void Prune()
    {
        foreach (var (version, path) in List().Skip(Keep))
        {
            try { File.Delete(path); }
            catch (IOException e) { _log.LogWarning("Could not delete old checkpoint {Version}: {Message}", version, e.Message); }
        }
    }
}
