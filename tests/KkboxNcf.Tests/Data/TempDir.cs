using System.Text;

namespace KkboxNcf.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted with its files at the end of a test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "kkbox-tests-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Writes text exactly as given (no BOM unless the text starts with one).</summary>
    public string Write(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, Encoding.UTF8.GetBytes(text));
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        string path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
