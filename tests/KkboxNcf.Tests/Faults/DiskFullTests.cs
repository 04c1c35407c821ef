using KkboxNcf.Data.Synth;
using KkboxNcf.Faults;
using KkboxNcf.Tests.Data;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Faults;

/// <summary>Fault 5, quick: a checkpoint folder on a tmpfs that fills up (skipped, with the reason, where mount is not permitted).</summary>
public class DiskFullTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void AFullDiskKeepsThePreviousCheckpointAndTheTrainerSaysSo()
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "data");
        new KkboxSynthesizer(SynthSize.Tiny, 42).Generate(data);
        var fault = new DiskFullFault(data, dir.Path, output.WriteLine);
        fault.Run(replaySeconds: 6, seed: 1);
        Skip.If(fault.NotRun is not null, fault.NotRun);
        FaultAssert.NothingLost([fault.Outcome], dir.Path, output);
    }
}
