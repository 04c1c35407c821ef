using KkboxNcf.Contracts;
using KkboxNcf.Data.Synth;
using KkboxNcf.Faults;
using KkboxNcf.Ingest;
using KkboxNcf.Ingest.Resume;
using KkboxNcf.Tests.Data;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Tests.Ingest;

/// <summary>
/// Ingest's resume from the topics, in-process on a broker of the test's own: a replay stopped part-way
/// and run again ends with every row once; a complete replay run again sends nothing; a topic holding
/// another data set's replay is refused. (kill -9 at random moments: Faults/ServiceFaultTests.)
/// </summary>
public class IngestResumeTests : IAsyncLifetime
{
    readonly PrivateBroker _broker = new();
    readonly TempDir _dir = new();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    ReplaySummary Replay(string data, CancellationToken ct = default, long? fromRow = null, double rate = 0) =>
        new ListenReplay(new IngestSettings { DataDirectory = data, RejectsPath = Path.Combine(_dir.Path, "rejects.jsonl"), FromRow = fromRow, Rate = rate },
            new KafkaSettings { BootstrapServers = _broker.Bootstrap }, NullLogger<ListenReplay>.Instance).Run(ct);

    [Fact]
    public void AStoppedReplayResumesWithoutGapOrDuplicateAndARepeatSendsNothing()
    {
        string data = Path.Combine(_dir.Path, "tiny");
        new KkboxSynthesizer(SynthSize.Tiny, 42).Generate(data);
        var expected = ListensAudit.Expected(data);

        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5)))
        {
            var first = Replay(data, stop.Token, rate: 1000);
            Assert.False(first.Completed);
            Assert.InRange(first.ListensSent, 1, expected.Count - 1);
        }
        var second = Replay(data);
        Assert.True(second.Completed);
        Assert.Equal(0, second.MembersSent); // all were on the members topic already
        var audit = ListensAudit.Of(_broker.Bootstrap, expected);
        Assert.Equal((expected.Count, 0L, 0L, 0L), (audit.Messages, audit.Lost, audit.Duplicated, audit.OutOfOrder));

        var third = Replay(data);
        Assert.True(third.Completed);
        Assert.Equal((0L, 0L, 0L), (third.ListensSent, third.SongsSent, third.MembersSent));
        Assert.Equal(expected.Count, ListensAudit.Of(_broker.Bootstrap, expected).Messages);
    }

    [Fact]
    public void ATopicHoldingAnotherReplayIsRefusedUnlessAStartRowIsGiven()
    {
        string a = Path.Combine(_dir.Path, "a"), b = Path.Combine(_dir.Path, "b");
        new KkboxSynthesizer(SynthSize.Tiny, 1).Generate(a);
        new KkboxSynthesizer(SynthSize.Tiny, 2).Generate(b);
        Assert.True(Replay(a).Completed);
        var refused = Assert.Throws<ReplayMismatchException>(() => Replay(b));
        Assert.Contains("another replay", refused.Message);
        // an explicit start is the operator's choice: sent as asked
        var forced = Replay(b, fromRow: 3_001);
        Assert.Equal(1_000, forced.ListensSent);
    }
}
