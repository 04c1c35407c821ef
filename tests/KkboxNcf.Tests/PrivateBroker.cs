using KkboxNcf.Tests.Kafka;

namespace KkboxNcf.Tests;

/// <summary>
/// A LocalBroker process of the test's own, on a free port: for tests that count everything on a
/// topic, so nothing else writing to the shared broker can disturb them. Stopped with SIGTERM.
/// </summary>
public sealed class PrivateBroker : IAsyncLifetime
{
    readonly string _readyFile = Path.Combine(Path.GetTempPath(), $"kkbox-broker-{Guid.NewGuid():N}.ready");
    ChildProcess? _process;

    public string Bootstrap { get; private set; } = "";

    /// <summary>More LocalBroker options, e.g. "--LocalBroker:ExtraTopics:NAME", "1" for a topic of one partition.</summary>
    public string[] ExtraArgs { get; init; } = [];

    public async Task InitializeAsync()
    {
        Bootstrap = $"127.0.0.1:{TestInfra.FreeTcpPort()}";
        _process = ChildProcess.StartDll(TestInfra.Dll("LocalBroker"), ["--listen", Bootstrap, "--ready-file", _readyFile, .. ExtraArgs]);
        await _process.WaitUntilAsync(() => File.Exists(_readyFile), TimeSpan.FromSeconds(30), "the private broker's ready file");
    }

    public async Task DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited)
        {
            _process.Terminate();
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }
        _process.Dispose();
    }
}
