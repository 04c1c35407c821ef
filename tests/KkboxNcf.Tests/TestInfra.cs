using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KkboxNcf.Tests;

/// <summary>
/// Where the tests find the real local infrastructure that `./kkbox test` starts (or a real cluster,
/// through the same settings the services read), and small process helpers.
/// </summary>
public static class TestInfra
{
    public static string KafkaBootstrap =>
        Environment.GetEnvironmentVariable("Kafka__BootstrapServers") ?? "127.0.0.1:9092";

    public static string RedisConfiguration =>
        Environment.GetEnvironmentVariable("Redis__Configuration") ?? "127.0.0.1:6391";

    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KkboxNcf.sln"))) return dir.FullName;
        throw new InvalidOperationException($"KkboxNcf.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Path of a built program: Dll("LocalBroker").</summary>
    public static string Dll(string project) =>
        Path.Combine(RepoRoot, "artifacts", "bin", $"KkboxNcf.{project}", "release", $"KkboxNcf.{project}.dll");

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a command to completion (bounded), returning exit code and combined output.</summary>
    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> args,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in time");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
