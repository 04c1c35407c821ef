using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// A LocalBroker of a benchmark's own on a free port, so a benchmark neither disturbs nor is
/// disturbed by what else uses the shared broker. Stopped with SIGTERM on dispose.
/// </summary>
public sealed class LocalBrokerProcess : IDisposable
{
    readonly Process _process;
    readonly string _readyFile;

    public string Bootstrap { get; }

    LocalBrokerProcess(Process process, string bootstrap, string readyFile)
    {
        _process = process;
        Bootstrap = bootstrap;
        _readyFile = readyFile;
    }

    public static LocalBrokerProcess Start(TimeSpan? timeout = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "KkboxNcf.LocalBroker", "release", "KkboxNcf.LocalBroker.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"the local broker is not built ({dll}): run ./kkbox build", dll);
        string bootstrap = $"127.0.0.1:{FreePort()}";
        string ready = Path.Combine(Path.GetTempPath(), $"kkbox-bench-broker-{Guid.NewGuid():N}.ready");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--listen", bootstrap, "--ready-file", ready }) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"broker: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!File.Exists(ready))
        {
            if (process.HasExited) throw new InvalidOperationException($"the benchmark's local broker exited with {process.ExitCode}");
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30))) { process.Kill(); throw new TimeoutException("the benchmark's local broker was not ready in time"); }
            Thread.Sleep(50);
        }
        return new LocalBrokerProcess(process, bootstrap, ready);
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            kill(_process.Id, 15);
            if (!_process.WaitForExit(10_000)) _process.Kill();
        }
        _process.Dispose();
        File.Delete(_readyFile);
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
