// MSBuild task: marks one symbol-version requirement of an ELF64 shared library as weak
// (VER_FLG_WEAK in the vna_flags of its Vernaux entry in .gnu.version_r), so that glibc's loader
// accepts the library on a host whose libstdc++ lacks that version. Idempotent; a no-op when the
// host libstdc++ already provides the version. The patched copy goes to OutputDirectory; the
// package's own file is never modified. Compiled by RoslynCodeTaskFactory against
// netstandard2.0, hence the plain-array code.
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class WeakenGlibcxxRequirement : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string Version { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";

    /// <summary>The patched copies, with the metadata of their sources; empty when no patch is needed.</summary>
    [Output] public ITaskItem[] Patched { get; set; } = Array.Empty<ITaskItem>();

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
        "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        string host = Array.Find(LibStdCxxCandidates, File.Exists);
        if (host != null && Contains(File.ReadAllBytes(host), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"{host} provides {Version}: libLibTorchSharp.so is used as shipped.");
            return true;
        }
        var patched = new System.Collections.Generic.List<ITaskItem>();
        foreach (var item in Files)
        {
            string source = item.GetMetadata("FullPath");
            string subdir = item.GetMetadata("DestinationSubDirectory");
            string target = Path.Combine(OutputDirectory, subdir, Path.GetFileName(source));
            try
            {
                // Written once per source: an up-to-date patched copy is left untouched (stable timestamp).
                if (!File.Exists(target) || File.GetLastWriteTimeUtc(target) < File.GetLastWriteTimeUtc(source))
                {
                    byte[] elf = File.ReadAllBytes(source);
                    int changed = Patch(elf, Version);
                    Directory.CreateDirectory(Path.GetDirectoryName(target));
                    string temp = target + ".tmp";
                    File.WriteAllBytes(temp, elf);
                    if (File.Exists(target)) File.Delete(target);
                    File.Move(temp, target);
                    Log.LogMessage(MessageImportance.High,
                        $"libLibTorchSharp.so: marked {changed} {Version} requirement(s) weak (host libstdc++ lacks it) -> {target}");
                }
                var copy = new TaskItem(target);
                item.CopyMetadataTo(copy);
                patched.Add(copy);
            }
            catch (Exception e)
            {
                Log.LogError($"Could not patch {source} for {Version}: {e.Message}");
            }
        }
        Patched = patched.ToArray();
        return !Log.HasLoggedErrors;
    }

    static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= haystack.Length - needle.Length;
             i = Array.IndexOf(haystack, needle[0], i + 1))
        {
            int j = 1;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    /// <summary>Sets VER_FLG_WEAK on every requirement of the version; returns how many were changed.</summary>
    static int Patch(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only little-endian ELF64 is handled");

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            int strtab = checked((int)BitConverter.ToUInt64(elf, checked((int)shoff + link * shentsize) + 0x18));

            int vn = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    uint nameOffset = BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadCString(elf, strtab + (int)nameOffset) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, aux + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, aux + 4);
                            changed++;
                        }
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }
        return changed;
    }

    static string ReadCString(byte[] data, int start)
    {
        int end = Array.IndexOf(data, (byte)0, start);
        return Encoding.ASCII.GetString(data, start, end - start);
    }
}
