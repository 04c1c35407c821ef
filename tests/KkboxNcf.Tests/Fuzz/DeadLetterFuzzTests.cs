using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Tests.Data;
using KkboxNcf.Tests.Trainer;
using KkboxNcf.Tests.Kafka;
using KkboxNcf.Trainer.Checkpointing;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Fuzz;

/// <summary>
/// Mutated listens into the real Trainer process on a private broker: every message the decoder
/// refuses is on the dead-letter topic with its offset and reason, every one it accepts (odd values
/// included: negative rows, unlabeled, huge timestamps) is trained, and the two add up to what was sent.
/// </summary>
public sealed class DeadLetterFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    const string ListensTopic = "fuzz.listens";
    const string DeadLettersTopic = "fuzz.dead-letters";
    const int Messages = 1500;

    readonly PrivateBroker _broker = new()
    {
        // one partition: the Trainer reads every message in order before it reaches the last one
        ExtraArgs = [$"--LocalBroker:ExtraTopics:{ListensTopic}", "1", $"--LocalBroker:ExtraTopics:{DeadLettersTopic}", "1"],
    };

    public Task InitializeAsync() => _broker.InitializeAsync();

    public Task DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task EveryRefusedListenIsADeadLetterAndEveryAcceptedOneIsTrained()
    {
        var random = new Random(99);
        var sent = new List<(string Key, byte[] Value)>();
        var refused = new List<long>();
        for (int i = 0; i < Messages; i++)
        {
            var valid = KkboxNcf.Contracts.Messages.Encode(new ListenRecorded(i + 1, $"u{random.Next(50)}", $"s{random.Next(200)}", "tab", "screen", "type", random.Next(2), 0));
            var other = KkboxNcf.Contracts.Messages.Encode(new ListenRecorded(random.NextInt64(-5, long.MaxValue), "x", "y", "", "", "", -1, random.NextInt64()));
            byte[] value = random.Next(3) == 0 ? valid : MessageFuzzTests.Mutate(random, valid, other);
            if (!KkboxNcf.Contracts.Messages.TryDecode<ListenRecorded>(value, out _, out _)) refused.Add(i);
            sent.Add(("k", value));
        }
        // a last valid listen: the Trainer stops once it has seen every accepted one, so it has read every message
        sent.Add(("k", KkboxNcf.Contracts.Messages.Encode(new ListenRecorded(Messages + 1, "u1", "s1", "tab", "screen", "type", 1, 0))));
        int accepted = sent.Count - refused.Count;
        TrainerProcess.Produce(_broker.Bootstrap, ListensTopic, sent);

        using var dir = new TempDir();
        using var trainer = TrainerProcess.Start("--bootstrap", _broker.Bootstrap, "--listens-topic", ListensTopic,
            "--Trainer:DeadLettersTopic", DeadLettersTopic, "--group", "fuzz", "--batch-size", "200", "--batch-wait-ms", "0",
            "--checkpoints", dir.Path, "--n-dim", "4", "--stop-after", $"{accepted}", "--Trainer:MetadataCatchUpSeconds", "1");
        Assert.True(await trainer.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, trainer.AllOutput);

        var dead = TrainerProcess.ReadAll(_broker.Bootstrap, DeadLettersTopic);
        Assert.Equal(refused, dead.Select(d => long.Parse(DeadLetter.Header(d.Message.Headers, DeadLetter.OffsetHeader)!)).Order());
        Assert.All(dead, d => Assert.False(string.IsNullOrWhiteSpace(DeadLetter.Header(d.Message.Headers, DeadLetter.ReasonHeader))));
        Assert.All(dead, d => Assert.Equal(sent[int.Parse(DeadLetter.Header(d.Message.Headers, DeadLetter.OffsetHeader)!)].Value, d.Message.Value));

        var (_, path) = new CheckpointStore(dir.Path, 3, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).List()[0];
        var manifest = CheckpointFile.Read(path, null).Parse(CheckpointManifest.SectionName, CheckpointManifest.Read);
        Assert.Equal(accepted, manifest.StreamPosition);
        Assert.Equal(sent.Count, manifest.Offsets[0]);
        Assert.Equal(sent.Count, manifest.StreamPosition + dead.Count);
        output.WriteLine($"{sent.Count} listens sent to the Trainer: {accepted} trained, {dead.Count} dead letters");
    }
}
