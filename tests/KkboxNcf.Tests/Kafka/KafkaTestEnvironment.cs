using System.Net.Sockets;
using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Kafka;

/// <summary>Where the Kafka tests find the running local broker and the programs they start.</summary>
public static class KafkaTestEnvironment
{
    /// <summary>The broker `./kkbox infra up` starts, or KKBOX_KAFKA.</summary>
    public static string Bootstrap => Environment.GetEnvironmentVariable("KKBOX_KAFKA") is { Length: > 0 } b ? b : KafkaSettings.DefaultBootstrap;

    public static KafkaSettings Settings => new() { BootstrapServers = Bootstrap };

    /// <summary>Fails (never skips) when nothing listens at <see cref="Bootstrap"/>, saying how to start it.</summary>
    public static void RequireBroker()
    {
        var (host, port) = HostPort(Bootstrap.Split(',')[0]);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            socket.ConnectAsync(host, port, timeout.Token).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Assert.Fail($"No Kafka broker at {Bootstrap} ({e.Message}). Start the local one with `./kkbox infra up` " +
                        "(or run artifacts/bin/KkboxNcf.LocalBroker/release/KkboxNcf.LocalBroker.dll), or set KKBOX_KAFKA=HOST:PORT.");
        }
    }

    public static (string Host, int Port) HostPort(string address)
    {
        int colon = address.LastIndexOf(':');
        return (address[..colon].Trim('[', ']'), int.Parse(address[(colon + 1)..]));
    }

    /// <summary>Topic and group names no earlier run used: the broker keeps state until it restarts.</summary>
    public static string Unique(string prefix) => $"test.{prefix}.{Guid.NewGuid():N}";

    /// <summary>A built program of this repo, next to the test assembly's own output (same configuration).</summary>
    public static string BuiltDll(string project)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(own.Parent!.Parent!.FullName, project, own.Name, project + ".dll");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution first (dotnet build KkboxNcf.sln -c Release)");
        return path;
    }
}
