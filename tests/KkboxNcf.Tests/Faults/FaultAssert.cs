using KkboxNcf.Faults;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Faults;

/// <summary>What every fault test checks: each outcome passed with nothing lost or duplicated; on failure the logs' ends go to the test output.</summary>
static class FaultAssert
{
    public static void NothingLost(IReadOnlyCollection<FaultOutcome> outcomes, string workDir, ITestOutputHelper output)
    {
        foreach (var o in outcomes)
        {
            output.WriteLine(o.ToString());
            foreach (var note in o.Notes) output.WriteLine("  " + note);
        }
        if (!outcomes.All(o => o.AllPassed)) PrintLogs(workDir, output);
        Assert.All(outcomes, o =>
        {
            Assert.True(o.AllPassed, o.ToString());
            Assert.Equal(0, o.EventsLost);
            Assert.Equal(0, o.EventsDuplicated);
        });
    }

    /// <summary>The end of every service log of a fault run, so a failure can be read from the test output alone.</summary>
    public static void PrintLogs(string workDir, ITestOutputHelper output)
    {
        foreach (var log in Directory.EnumerateFiles(workDir, "*.log", SearchOption.AllDirectories))
            output.WriteLine($"--- {log} (end)\n" + string.Join("\n", File.ReadLines(log).TakeLast(30)));
    }
}
