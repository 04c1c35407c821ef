namespace KkboxNcf.Model.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be trusted: truncated, a checksum that does not match (its own
/// trailer or the SHA-256 it was announced with), or sections that do not parse. Nothing of it was loaded.
/// </summary>
public sealed class CheckpointCorruptException(string path, string reason, Exception? inner = null)
    : Exception($"checkpoint {path} is corrupt: {reason}", inner)
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
