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
        var o = fault.Outcome;
        output.WriteLine(o.ToString());
        foreach (var note in o.Notes) output.WriteLine("  " + note);
        if (!o.AllPassed)
            foreach (var log in Directory.EnumerateFiles(dir.Path, "*.log", SearchOption.AllDirectories))
                output.WriteLine($"--- {log} (end)\n" + string.Join("\n", File.ReadLines(log).TakeLast(30)));
        Assert.True(o.AllPassed, o.ToString());
        Assert.Equal(0, o.EventsLost);
        Assert.Equal(0, o.EventsDuplicated);
    }
}
