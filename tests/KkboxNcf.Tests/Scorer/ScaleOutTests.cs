using System.Text.RegularExpressions;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Tests.Kafka;
using StackExchange.Redis;

namespace KkboxNcf.Tests.Scorer;

/// <summary>Partition ownership across Scorer instances, on a private broker.</summary>
public sealed partial class ScaleOutTests : IAsyncLifetime
{
    readonly PrivateBroker _broker = new();
    readonly string _prefix = $"test-scaleout-{Guid.NewGuid():N}";
    readonly string _dir = Directory.CreateTempSubdirectory("kkbox-scaleout-").FullName;

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration);
        var db = redis.GetDatabase();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: _prefix + ":*")) await db.KeyDeleteAsync(key);
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task TheHashOfAMemberIsThePartitionTheProducerChose()
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = _broker.Bootstrap }, "test")).Build();
        var members = Enumerable.Range(0, 200).Select(i => $"member-{i}-{Guid.NewGuid():N}").Append("周杰倫").ToArray();
        foreach (var m in members)
        {
            var delivered = await producer.ProduceAsync(Topics.Listens, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(m), Value = [0] });
            Assert.Equal(delivered.Partition.Value, MemberPartitioner.PartitionOf(m, 8));
        }
    }

    [Fact]
    public async Task TwoInstancesSplitTheMembersAndTogetherListEveryone()
    {
        string group = $"scorer-{Guid.NewGuid():N}";
        using var a = Start(group);
        using var b = Start(group);
        // wait until the two own disjoint partitions that cover all 8
        await a.WaitUntilAsync(() => Owned(a) is { } x && Owned(b) is { } y && x.Count + y.Count == 8 && !x.Overlaps(y),
            TimeSpan.FromSeconds(60), "the group to split the 8 partitions");

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = _broker.Bootstrap }, "test")).Build();
        var bundle = TinyModel.Bundle(1);
        string path = Path.Combine(_dir, "model-1.ckpt");
        string sha = CheckpointFile.Write(path, [new CheckpointSection(CheckpointFile.BundleSection, bundle.Save)]);
        producer.Produce(Topics.Checkpoints, new Message<byte[]?, byte[]?> { Key = "trainer"u8.ToArray(),
            Value = Messages.Encode(new CheckpointPublished(1, path, sha, [], 0, new Dictionary<string, double>(), 0)) });
        producer.Flush(TimeSpan.FromSeconds(10));

        await a.WaitUntilAsync(() => Refreshed(a) is not null && Refreshed(b) is not null, TimeSpan.FromSeconds(60), "both refreshes");
        int fromA = Refreshed(a)!.Value, fromB = Refreshed(b)!.Value;
        Assert.True(fromA > 0 && fromB > 0, $"a refreshed {fromA}, b {fromB}");
        Assert.Equal(200, fromA + fromB);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration);
        var keys = new RedisKeys(_prefix);
        var values = await redis.GetDatabase().StringGetAsync(Enumerable.Range(1, 200).Select(i => (RedisKey)keys.List($"u{i}", ServingContexts.Usual)).ToArray());
        Assert.All(values, v => Assert.True(v.HasValue));
        // each member was listed by the instance owning its partition
        var ownedByA = Owned(a)!;
        Assert.Equal(fromA, Enumerable.Range(1, 200).Count(i => ownedByA.Contains(MemberPartitioner.PartitionOf($"u{i}", 8))));
    }

    ChildProcess Start(string group) => ChildProcess.StartDll(TestInfra.Dll("Scorer"),
        "--Kafka:BootstrapServers", _broker.Bootstrap, "--Redis:Configuration", TestInfra.RedisConfiguration,
        "--key-prefix", _prefix, "--http", $"http://127.0.0.1:{TestInfra.FreeTcpPort()}", "--group", group, "--k", "10", "--candidates", "20");

    static HashSet<int>? Owned(ChildProcess p)
    {
        var line = p.Stdout.LastOrDefault(l => l.Contains("; owning "));
        if (line is null) return null;
        var m = OwningPattern().Match(line);
        return m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet();
    }

    static int? Refreshed(ChildProcess p)
    {
        var line = p.Stdout.FirstOrDefault(l => l.Contains("Model 1 serving:"));
        return line is null ? null : int.Parse(RefreshedPattern().Match(line).Groups[1].Value.Replace(",", ""));
    }

    [GeneratedRegex(@"; owning ([0-9,]*)")]
    private static partial Regex OwningPattern();

    [GeneratedRegex(@"serving: ([0-9,]+) members refreshed")]
    private static partial Regex RefreshedPattern();
}
