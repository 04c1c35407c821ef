using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KkboxNcf.Tests.Kafka;

/// <summary>A `dotnet X.dll ...` child whose output lines are collected as they come; killed on dispose if still running.</summary>
public sealed class ChildProcess : IDisposable
{
    readonly Process process;
    readonly ConcurrentQueue<string> stdout = new();
    readonly ConcurrentQueue<string> stderr = new();

    ChildProcess(Process process) => this.process = process;

    public IReadOnlyCollection<string> Stdout => stdout;
    public string AllOutput => string.Join("\n", stdout) + "\n--- stderr ---\n" + string.Join("\n", stderr);
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    public static ChildProcess StartDll(string dll, params string[] args)
    {
        // The SDK tells test hosts which dotnet runs them; use the same one.
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = new Process { StartInfo = psi };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child.stdout.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child.stderr.Enqueue(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for exit; on timeout, fails with everything the child printed.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Assert.Fail($"child did not exit within {timeout}:\n{AllOutput}"); }
        return process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing early (with the output) if the child exits.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited && !condition())
                Assert.Fail($"child exited ({process.ExitCode}) before {what}:\n{AllOutput}");
            if (sw.Elapsed > timeout) Assert.Fail($"timed out after {timeout} waiting for {what}:\n{AllOutput}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, as a service manager or `kill` sends: the child should shut down cleanly.</summary>
    public void Terminate()
    {
        if (kill(process.Id, 15) != 0) throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGKILL, as a crash or the OOM killer would: no shutdown code runs. Returns once the process is gone.</summary>
    public void KillHard()
    {
        if (process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
}
