namespace KkboxNcf.Model.Checkpoints;

/// <summary>The sections of a checkpoint file whose checksums verified, by name.</summary>
public sealed class CheckpointContents(string path, string sha256, IReadOnlyDictionary<string, byte[]> sections)
{
    public string Path { get; } = path;

    /// <summary>SHA-256 of the whole file (lowercase hex), as `sha256sum` prints it and CheckpointPublished carries it.</summary>
    public string Sha256 { get; } = sha256;

    public IReadOnlyCollection<string> Names => sections.Keys.ToArray();

    public bool Has(string name) => sections.ContainsKey(name);

    public byte[] Bytes(string name) =>
        sections.TryGetValue(name, out var bytes) ? bytes : throw new CheckpointCorruptException(Path, $"no '{name}' section");

    /// <summary>Parses a section; a parse failure is a corrupt checkpoint (the caller loads nothing of it).</summary>
    public T Parse<T>(string name, Func<Stream, T> parse)
    {
        using var stream = new MemoryStream(Bytes(name), writable: false);
        try
        {
            var value = parse(stream);
            if (stream.Position != stream.Length)
                throw new CheckpointCorruptException(Path, $"section '{name}' has {stream.Length - stream.Position} unread bytes");
            return value;
        }
        catch (Exception e) when (e is not CheckpointCorruptException)
        {
            throw new CheckpointCorruptException(Path, $"section '{name}' does not parse: {e.Message}", e);
        }
    }
}
