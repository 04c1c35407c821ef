using KkboxNcf.Data.Synth;
using KkboxNcf.Faults;
using KkboxNcf.Tests.Data;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Faults;

/// <summary>
/// The quick version of `kkbox bench faults` for faults 1, 2 and 4: the tiny data set replayed through
/// the three services on a broker and a redis-server of the test's own, each service killed with
/// SIGKILL once at a random moment and restarted; then Redis killed and started empty, then corrupted
/// checkpoints. Nothing may be lost or duplicated, every member must end with the last checkpoint's list.
/// </summary>
public class ServiceFaultTests(ITestOutputHelper output)
{
    [Fact]
    public void KilledServicesARedisRestartAndCorruptCheckpointsLoseNothing()
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "data");
        new KkboxSynthesizer(SynthSize.Tiny, 42).Generate(data);
        var faults = new ServiceFaults(data, dir.Path, output.WriteLine);
        faults.Run(killsPerService: 1, replaySeconds: 8, seed: Environment.TickCount & 0xFFFF);
        FaultAssert.NothingLost(faults.All.ToList(), dir.Path, output);
    }
}
