using System.Reflection;
using System.Runtime.InteropServices;

namespace KkboxNcf.LocalBroker.Native;

/// <summary>
/// Picks the librdkafka file to load. NuGet's default linux librdkafka.so links libsasl2.so.3, which
/// Debian 12 lacks; the package's centos8 variant needs only glibc, and the alpine one is for musl.
/// So try them in that order (or an explicit path), keep the first that loads, and bind every
/// <see cref="LibRdKafka"/> import to it. A process can register the resolver only once, hence the lock and the cached handle.
/// </summary>
internal static class LibRdKafkaLoader
{
    static readonly Lock Gate = new();
    static IntPtr handle;
    static string? loadedPath;

    /// <summary>Loads the library (once per process) and returns the file that loaded.</summary>
    /// <exception cref="BrokerStartupException">No candidate loads; the message lists each attempt.</exception>
    public static string Load(string? explicitPath)
    {
        lock (Gate)
        {
            if (loadedPath is not null) return loadedPath;
            var failures = new List<string>();
            foreach (var path in Candidates(explicitPath))
            {
                if (!File.Exists(path)) { failures.Add($"{path}: not found"); continue; }
                try
                {
                    handle = NativeLibrary.Load(path);
                    loadedPath = path;
                    NativeLibrary.SetDllImportResolver(Assembly.GetExecutingAssembly(), Resolve);
                    return path;
                }
                catch (DllNotFoundException e)
                {
                    // The file exists but a dependency is missing (e.g. libsasl2.so.3): try the next.
                    failures.Add($"{path}: {e.Message}");
                }
            }
            throw new BrokerStartupException(ExitCodes.MockClusterFailed,
                "could not load librdkafka; tried:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", failures));
        }
    }

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == LibRdKafka.Name ? handle : IntPtr.Zero;

    static IEnumerable<string> Candidates(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            yield return Path.GetFullPath(explicitPath);
            yield break;
        }
        string[] files = OperatingSystem.IsLinux() ? ["librdkafka.so", "centos8-librdkafka.so", "alpine-librdkafka.so"]
            : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"]
            : ["librdkafka.dll"];
        string rid = $"{(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : "win")}-" +
                     RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var baseDir = AppContext.BaseDirectory;
        foreach (var file in files)
        {
            // Framework-dependent output keeps runtimes/<rid>/native; a RID-specific publish flattens it.
            yield return Path.Combine(baseDir, "runtimes", rid, "native", file);
            yield return Path.Combine(baseDir, file);
        }
    }
}
