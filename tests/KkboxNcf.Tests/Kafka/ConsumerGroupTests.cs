using System.Collections.Concurrent;
using KkboxNcf.KafkaProbe;

namespace KkboxNcf.Tests.Kafka;

/// <summary>
/// Consumer groups across two processes on the running local broker: commits, resume from committed
/// offsets without duplicates or gaps, and per-key ordering. Topics are auto-created (4 partitions).
/// </summary>
public class ConsumerGroupTests
{
    const int Keys = 20;
    const int PerKey = 20;

    [Fact]
    public async Task SecondMemberResumesWhereAnotherProcessCommitted()
    {
        KafkaTestEnvironment.RequireBroker();
        string bootstrap = KafkaTestEnvironment.Bootstrap;
        string topic = KafkaTestEnvironment.Unique("resume");
        string group = KafkaTestEnvironment.Unique("resume-group");
        var produced = await KeyedBatch.ProduceAsync(bootstrap, topic, Keys, PerKey);

        // First member, in a child process: processes 150 of 400 messages, commits them, leaves.
        const int firstShare = 150;
        using var child = ChildProcess.StartDll(KafkaTestEnvironment.BuiltDll("KkboxNcf.KafkaProbe"),
            "consume", bootstrap, topic, group, firstShare.ToString(), "5000");
        Assert.True(await child.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, child.AllOutput);
        var first = ConsumedMessage.Parse(child.Stdout);
        Assert.Equal(firstShare, first.Count);

        // Second member, in this process, same group: must start exactly at the committed offsets.
        var lines = new ConcurrentQueue<string>();
        GroupMember.Consume(bootstrap, topic, group, int.MaxValue, TimeSpan.FromSeconds(2), lines.Enqueue);
        var second = ConsumedMessage.Parse(lines);

        Assert.Equal(produced.Count - firstShare, second.Count);
        var all = first.Concat(second).ToList();
        Assert.Equal(all.Count, all.Select(m => (m.Partition, m.Offset)).Distinct().Count()); // no message twice
        Assert.Equal(produced.Select(r => (r.Partition.Value, r.Offset.Value)).Order(),
                     all.Select(m => (m.Partition, m.Offset)).Order());                         // none lost

        foreach (var byKey in all.GroupBy(m => m.Key))
        {
            // One key, one partition; and first-then-second is exactly 0..PerKey-1: ordered, no gap, no repeat.
            Assert.Single(byKey.Select(m => m.Partition).Distinct());
            Assert.Equal(Enumerable.Range(0, PerKey), byKey.Select(m => m.Sequence));
        }
    }

    [Fact]
    public async Task TwoProcessesShareTheGroupsPartitions()
    {
        KafkaTestEnvironment.RequireBroker();
        string bootstrap = KafkaTestEnvironment.Bootstrap;
        string topic = KafkaTestEnvironment.Unique("shared");
        string group = KafkaTestEnvironment.Unique("shared-group");
        // Create the topic first so both members see its 4 partitions when they join.
        await KeyedBatch.ProduceAsync(bootstrap, topic, keys: 1, perKey: 1, keyPrefix: "warmup-");

        var lines = new ConcurrentQueue<string>();
        var here = Task.Run(() => GroupMember.Consume(bootstrap, topic, group, int.MaxValue, TimeSpan.FromSeconds(6), lines.Enqueue));
        using var child = ChildProcess.StartDll(KafkaTestEnvironment.BuiltDll("KkboxNcf.KafkaProbe"),
            "consume", bootstrap, topic, group, int.MaxValue.ToString(), "4000");

        // Produce only once both members hold partitions, so the split is visible in who got what.
        static bool Assigned(IEnumerable<string> output) => output.Any(l => l.StartsWith("assigned\t") && l.Length > "assigned\t".Length);
        await child.WaitUntilAsync(() => here.IsCompleted || (Assigned(child.Stdout) && Assigned(lines)),
            TimeSpan.FromSeconds(20), "both members to be assigned partitions");
        if (here.IsCompleted)
            Assert.Fail($"this process's member stopped before the child joined ({await here} messages):\n{string.Join("\n", lines)}");
        var produced = await KeyedBatch.ProduceAsync(bootstrap, topic, Keys, PerKey);

        Assert.True(await child.WaitForExitAsync(TimeSpan.FromSeconds(30)) == 0, child.AllOutput);
        await here;
        var fromChild = ConsumedMessage.Parse(child.Stdout);
        var fromHere = ConsumedMessage.Parse(lines);

        string Trace() => $"child:\n{string.Join("\n", child.Stdout.Where(l => !l.StartsWith("msg")))}\nhere:\n{string.Join("\n", lines.Where(l => !l.StartsWith("msg")))}";
        Assert.True(fromChild.Count > 0 && fromHere.Count > 0, $"{fromChild.Count} and {fromHere.Count} messages: both members should get some\n{Trace()}");
        // Once both were assigned, each partition had one owner: the batch's partitions split between them.
        static IEnumerable<int> BatchPartitions(IEnumerable<ConsumedMessage> ms) => ms.Where(m => !m.Key.StartsWith("warmup-")).Select(m => m.Partition);
        Assert.Empty(BatchPartitions(fromChild).Intersect(BatchPartitions(fromHere)));
        var all = fromChild.Concat(fromHere).ToList();
        Assert.Equal(produced.Count + 1, all.Count);
        Assert.Equal(all.Count, all.Select(m => (m.Partition, m.Offset)).Distinct().Count());
        foreach (var byKey in all.Where(m => !m.Key.StartsWith("warmup-")).GroupBy(m => m.Key))
            Assert.Equal(Enumerable.Range(0, PerKey), byKey.Select(m => m.Sequence));
    }
}
