using System.Collections.Concurrent;
using System.Diagnostics;

namespace KkboxNcf.Tests.Security;

/// <summary>
/// A redis-server of the test's own (Debian's, as ./kkbox infra uses) on a free port, with the
/// options the test gives (requirepass, ACL users, TLS); nothing saved to disk; stopped on dispose.
/// </summary>
public sealed class PrivateRedis : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();

    /// <summary>Starts a server; tls: the port is a TLS port (plain TCP off).</summary>
    public PrivateRedis(bool tls, params string[] options)
    {
        Port = TestInfra.FreeTcpPort();
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] args = [.. tls ? new[] { "--port", "0", "--tls-port", Port.ToString() } : ["--port", Port.ToString()],
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. options];
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!_output.Any(l => l.Contains("Ready to accept connections")))
        {
            if (_process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
                throw new InvalidOperationException($"redis-server {string.Join(' ', args)} did not start:\n{string.Join('\n', _output)}");
            Thread.Sleep(20);
        }
    }

    public int Port { get; }

    public string Output => string.Join('\n', _output);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5_000);
        }
        _process.Dispose();
    }
}
