using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KkboxNcf.Faults;

/// <summary>
/// A program of this repo (or redis-server) run as a child process, its output appended to a log file
/// so that every restart of a service adds to one log. Killed with SIGKILL on dispose if still running.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    readonly Process _process;
    readonly StreamWriter _log;

    ServiceProcess(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public string Name { get; private init; } = "";
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;
    public int Id => _process.Id;

    /// <summary>`dotnet artifacts/bin/KkboxNcf.NAME/release/KkboxNcf.NAME.dll args` with these environment variables.</summary>
    public static ServiceProcess StartService(string name, string logPath, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        Start(name, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [Built.Dll(name), .. args], logPath, env);

    public static ServiceProcess Start(string name, string file, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        var log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = psi };
        void Line(string? s)
        {
            if (s is null) return;
            lock (log) log.WriteLine(s);
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        lock (log) log.WriteLine($"=== {DateTime.UtcNow:HH:mm:ss.fff} start {name}: {file} {string.Join(' ', args)}");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process, log) { Name = name };
    }

    /// <summary>SIGKILL, as a crash or the OOM killer: no shutdown code runs. Returns once the process is gone.</summary>
    public void Kill9()
    {
        if (_process.HasExited) return;
        lock (_log) _log.WriteLine($"=== {DateTime.UtcNow:HH:mm:ss.fff} kill -9 {Name} (pid {_process.Id})");
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>SIGTERM, as a service manager stops a service.</summary>
    public void Terminate()
    {
        if (!_process.HasExited) kill(_process.Id, 15);
    }

    /// <summary>SIGSTOP / SIGCONT: the process stops answering without closing its connections (a hung or partitioned server).</summary>
    public void Pause(bool paused)
    {
        lock (_log) _log.WriteLine($"=== {DateTime.UtcNow:HH:mm:ss.fff} {(paused ? "SIGSTOP" : "SIGCONT")} {Name}");
        kill(_process.Id, paused ? 19 : 18);
    }

    /// <summary>Waits for the exit; false on timeout (the process keeps running).</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // flushes the output handlers
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        lock (_log) _log.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
