namespace KkboxNcf.Faults;

/// <summary>
/// The local broker on a fixed private address, so it can be stopped and started again where the
/// services expect it. Like any local broker it comes back empty: the mock cluster keeps nothing.
/// Its topics are the pipeline's own (created at start), consumer sessions short for quick rebalances.
/// </summary>
public sealed class BrokerServer(string bootstrap, string logPath) : IDisposable
{
    ServiceProcess? _process;

    public string Bootstrap { get; } = bootstrap;

    public void Start()
    {
        string ready = Path.Combine(Path.GetTempPath(), $"kkbox-faults-broker-{Guid.NewGuid():N}.ready");
        _process = ServiceProcess.StartService("LocalBroker", logPath,
            ["--listen", Bootstrap, "--ready-file", ready, "--LocalBroker:ConsumerGroupSessionTimeoutMs", "3000"]);
        if (!Built.WaitUntil(() => File.Exists(ready) || _process.HasExited, TimeSpan.FromSeconds(30)) || _process.HasExited)
            throw new InvalidOperationException($"the local broker at {Bootstrap} did not start (log: {logPath})");
        File.Delete(ready);
    }

    /// <summary>kill -9: the broker and everything it held are gone.</summary>
    public void Kill() => _process?.Kill9();

    /// <summary>SIGSTOP / SIGCONT: the broker hangs with its data intact.</summary>
    public void Pause(bool paused) => _process?.Pause(paused);

    public void Dispose() => _process?.Dispose();
}
