using System.Net.Sockets;

namespace KkboxNcf.Faults;

/// <summary>
/// Debian's redis-server on a private port without persistence: stopped and started again it comes
/// back empty, the harder case for the Scorer (every list must be written again).
/// </summary>
public sealed class RedisServer(int port, string logPath) : IDisposable
{
    ServiceProcess? _process;

    public int Port { get; } = port;
    public string Configuration => $"127.0.0.1:{Port}";

    public void Start()
    {
        _process = ServiceProcess.Start("redis", "redis-server",
            ["--bind", "127.0.0.1", "--port", $"{Port}", "--save", "", "--appendonly", "no", "--protected-mode", "yes"], logPath);
        if (!Built.WaitUntil(Answers, TimeSpan.FromSeconds(15)))
            throw new InvalidOperationException($"redis-server did not start on port {Port} (log: {logPath}); is it installed (apt-get install redis-server)?");
    }

    bool Answers()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", Port);
            var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            int n = stream.Read(buffer);
            return n >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>kill -9: what Redis held is gone.</summary>
    public void Kill() => _process?.Kill9();

    public void Dispose() => _process?.Dispose();
}
