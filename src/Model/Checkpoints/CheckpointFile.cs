using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using KkboxNcf.Model.Models;

namespace KkboxNcf.Model.Checkpoints;

/// <summary>
/// The checkpoint container: one file of named sections with a SHA-256 trailer.
/// Layout: "KKBXCKPT", int32 format version, then per section a length-prefixed UTF-8 name, an
/// int64 length and the bytes; an empty name ends the sections; the trailer is the SHA-256 of every
/// byte before it and "KKBXEND!". It is written to NAME.partial, fsynced, renamed into place and the
/// folder fsynced, so a reader sees either the whole file or none; a reader verifies both checksums
/// before it parses anything, so a damaged file is refused whole (CheckpointCorruptException).
/// The Trainer writes the sections "manifest" (CheckpointManifest JSON), "bundle" (ModelBundle:
/// feature space + weights), "optimizer" and "trainer"; a Scorer needs only ReadBundle.
/// </summary>
public static class CheckpointFile
{
    public const string BundleSection = "bundle";
    public const int FormatVersion = 1;
    public const string PartialSuffix = ".partial";
    static readonly byte[] Magic = "KKBXCKPT"u8.ToArray();
    static readonly byte[] EndMagic = "KKBXEND!"u8.ToArray();
    const int TrailerLength = 32 + 8;
    const int BufferSize = 1 << 20;

    /// <summary>The model and feature space of a checkpoint, after verifying it (against expectedSha256 too when given).</summary>
    public static ModelBundle ReadBundle(string path, string? expectedSha256) =>
        Read(path, expectedSha256).Parse(BundleSection, ModelBundle.Load);

    /// <summary>The manifest of a checkpoint, after verifying the whole file.</summary>
    public static CheckpointManifest ReadManifest(string path, string? expectedSha256 = null) =>
        Read(path, expectedSha256).Parse(CheckpointManifest.SectionName, CheckpointManifest.Read);

    /// <summary>
    /// Writes the sections durably at path (replacing a file there) and returns the SHA-256 of the
    /// file (lowercase hex). A crash at any moment leaves either the previous file or the new one.
    /// </summary>
    public static string Write(string path, IEnumerable<CheckpointSection> sections)
    {
        string full = System.IO.Path.GetFullPath(path);
        string tmp = full + PartialSuffix;
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferSize))
            {
                file.Write(Magic);
                WriteInt32(file, FormatVersion);
                using (var w = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    foreach (var section in sections)
                    {
                        if (section.Name.Length == 0 || !names.Add(section.Name))
                            throw new ArgumentException($"section names must be non-empty and distinct: '{section.Name}'");
                        w.Write(section.Name);
                        w.Flush();
                        long lengthAt = file.Position;
                        WriteInt64(file, 0);
                        section.Write(file);
                        long end = file.Position;
                        file.Position = lengthAt;
                        WriteInt64(file, end - lengthAt - 8);
                        file.Position = end;
                    }
                    w.Write("");
                }
                file.Flush();
                // The sections were patched in place, so hash what is in the file now.
                file.Position = 0;
                byte[] contentHash = SHA256.HashData(file);
                file.Write(contentHash);
                file.Write(EndMagic);
                file.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
            SyncDirectory(System.IO.Path.GetDirectoryName(full)!);
        }
        catch
        {
            File.Delete(tmp);
            throw;
        }
        return Sha256OfFile(full);
    }

    /// <summary>Verifies a checkpoint and reads its sections; throws CheckpointCorruptException (nothing loaded) when it does not verify.</summary>
    public static CheckpointContents Read(string path, string? expectedSha256)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        long length = file.Length;
        if (length < Magic.Length + 4 + 1 + TrailerLength)
            throw new CheckpointCorruptException(path, $"truncated ({length} bytes)");

        // One pass: the hash of the content (checked against the trailer) and of the whole file (against the announcement).
        using var content = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        var trailer = new byte[TrailerLength];
        long contentLength = length - TrailerLength, read = 0;
        int n;
        while ((n = file.Read(buffer)) > 0)
        {
            whole.AppendData(buffer, 0, n);
            int contentPart = (int)Math.Clamp(contentLength - read, 0, n);
            content.AppendData(buffer, 0, contentPart);
            for (int i = contentPart; i < n; i++) trailer[read + i - contentLength] = buffer[i];
            read += n;
        }
        if (read != length) throw new CheckpointCorruptException(path, $"changed while read ({read} of {length} bytes)");
        string sha = Convert.ToHexStringLower(whole.GetHashAndReset());
        if (!trailer.AsSpan(32).SequenceEqual(EndMagic))
            throw new CheckpointCorruptException(path, "no end marker (partial or overwritten file)");
        if (!trailer.AsSpan(0, 32).SequenceEqual(content.GetHashAndReset()))
            throw new CheckpointCorruptException(path, "content does not match its SHA-256 trailer");
        if (expectedSha256 is not null && !string.Equals(sha, expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
            throw new CheckpointCorruptException(path, $"SHA-256 {sha} differs from the expected {expectedSha256}");

        file.Position = 0;
        return new CheckpointContents(path, sha, ReadSections(path, file, contentLength));
    }

    static Dictionary<string, byte[]> ReadSections(string path, FileStream file, long contentLength)
    {
        var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var r = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new CheckpointCorruptException(path, "not a KkboxNcf checkpoint");
            int version = r.ReadInt32();
            if (version != FormatVersion) throw new CheckpointCorruptException(path, $"format version {version} is not supported (this code reads {FormatVersion})");
            while (true)
            {
                string name = r.ReadString();
                if (name.Length == 0) break;
                long size = r.ReadInt64();
                if (size < 0 || file.Position + size > contentLength || size > Array.MaxLength)
                    throw new CheckpointCorruptException(path, $"section '{name}' claims {size} bytes");
                if (!sections.TryAdd(name, r.ReadBytes((int)size))) throw new CheckpointCorruptException(path, $"section '{name}' twice");
            }
            if (file.Position != contentLength) throw new CheckpointCorruptException(path, "bytes after the last section");
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointCorruptException(path, "sections run past the end", e);
        }
        return sections;
    }

    /// <summary>SHA-256 of a file, lowercase hex.</summary>
    public static string Sha256OfFile(string path)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        return Convert.ToHexStringLower(SHA256.HashData(f));
    }

    static void WriteInt32(Stream s, int value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, value);
        s.Write(b);
    }

    static void WriteInt64(Stream s, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, value);
        s.Write(b);
    }

    /// <summary>fsync of the folder, so the rename itself survives a power loss (POSIX; a no-op elsewhere).</summary>
    static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"cannot open {directory} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (fsync(fd) != 0) throw new IOException($"fsync of {directory} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    static extern int close(int fd);
}
