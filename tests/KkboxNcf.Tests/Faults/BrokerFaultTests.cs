using KkboxNcf.Data.Synth;
using KkboxNcf.Faults;
using KkboxNcf.Tests.Data;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Faults;

/// <summary>
/// Quick versions of fault 3 (the long ones are in `kkbox bench faults`): the broker hung mid-replay
/// loses nothing; the broker restarted empty stops Ingest and Trainer with exit code 4 and a clear
/// message, and the documented recovery trains every listen exactly once.
/// Alone, not beside other tests: with the other fault tests' processes competing for the two cores,
/// the local broker (librdkafka's mock cluster behind the LocalBroker forwarder) can come back from the
/// SIGSTOP refusing every connection, a limit of the test broker that these tests are not about.
/// </summary>
[Collection(BrokerFaultsCollection.Name)]
public class BrokerFaultTests(ITestOutputHelper output)
{
    [Fact]
    public void ABrokerThatHangsLosesNothing() => Run(f => f.RunHang(replaySeconds: 8, seed: Environment.TickCount & 0xFFFF), f => f.Hang);

    [Fact]
    public void ABrokerThatComesBackEmptyIsDetectedAndTheRecoveryTrainsEachListenOnce() =>
        Run(f => f.RunReset(replaySeconds: 10, seed: Environment.TickCount & 0xFFFF), f => f.Reset);

    void Run(Action<BrokerFaults> run, Func<BrokerFaults, FaultOutcome> outcome)
    {
        using var dir = new TempDir();
        string data = Path.Combine(dir.Path, "data");
        new KkboxSynthesizer(SynthSize.Tiny, 42).Generate(data);
        var faults = new BrokerFaults(data, dir.Path, output.WriteLine);
        try { run(faults); }
        catch
        {
            // a run that throws (the audit found no broker, say) ends before NothingLost prints the logs
            FaultAssert.PrintLogs(dir.Path, output);
            throw;
        }
        FaultAssert.NothingLost([outcome(faults)], dir.Path, output);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerFaultsCollection
{
    public const string Name = "Broker faults (alone)";
}
