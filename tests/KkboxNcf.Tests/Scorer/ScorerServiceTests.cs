using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Tests.Kafka;
using StackExchange.Redis;

namespace KkboxNcf.Tests.Scorer;

/// <summary>
/// The Scorer service as a process, on a private broker and the real local Redis (its own key prefix):
/// lists for every member after a checkpoint, the CLI and the HTTP API, a swap to a new checkpoint
/// watched by a reader that polls every list the whole time, and a fresh list after new listens.
/// </summary>
public sealed class ScorerServiceTests : IAsyncLifetime
{
    readonly PrivateBroker _broker = new();
    readonly string _prefix = $"test-scorer-{Guid.NewGuid():N}";
    readonly string _dir = Directory.CreateTempSubdirectory("kkbox-scorer-").FullName;
    ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration);
    }

    public async Task DisposeAsync()
    {
        var db = _redis.GetDatabase();
        await foreach (var key in _redis.GetServers()[0].KeysAsync(pattern: _prefix + ":*")) await db.KeyDeleteAsync(key);
        await _redis.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ServesEveryMemberSwapsWithoutAGapAndFreshensActiveMembers()
    {
        var keys = new RedisKeys(_prefix);
        var db = _redis.GetDatabase();
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = _broker.Bootstrap }, "test")).Build();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        // 40 active members, each mostly in one context; every listen labeled
        var active = Enumerable.Range(1, 40).Select(i => $"u{i}").ToArray();
        int row = 0;
        foreach (var msno in active)
            for (int j = 0; j < 5; j++)
                Produce(producer, Topics.Listens, msno, new ListenRecorded(++row, msno, $"s{1 + (row * 7) % 500}", j < 4 ? "tab1" : "tab2", "screen1", "type1", j % 2, now));
        producer.Produce(Topics.Listens, new Message<byte[]?, byte[]?> { Key = "u1"u8.ToArray(), Value = [1, 2, 3] });   // a poison message
        producer.Flush(TimeSpan.FromSeconds(10));

        int port = TestInfra.FreeTcpPort();
        using var scorer = ChildProcess.StartDll(TestInfra.Dll("Scorer"),
            "--Kafka:BootstrapServers", _broker.Bootstrap, "--Redis:Configuration", TestInfra.RedisConfiguration,
            "--key-prefix", _prefix, "--http", $"http://127.0.0.1:{port}", "--group", $"scorer-{Guid.NewGuid():N}",
            "--k", "20", "--candidates", "40", "--Scorer:FreshBatchMs", "100", "--Scorer:MetricsEverySeconds", "1",
            // contexts the tiny model knows (a tab it never saw gets popular lists)
            "--Scorer:DiscoverContext", TinyModel.Discover.ToString(), "--Scorer:DefaultContext", TinyModel.Usual.ToString());

        Publish(producer, 1, seed: 1);
        await scorer.WaitUntilAsync(() => (long?)db.StringGet(keys.CurrentModel) == 1, TimeSpan.FromSeconds(60), "model 1 serving");

        // every member of the model (all 200: one instance owns all partitions) has both lists
        var members = Enumerable.Range(1, 200).Select(i => $"u{i}").ToArray();
        var listKeys = members.SelectMany(m => new[] { keys.List(m, ServingContexts.Usual), keys.List(m, ServingContexts.Discover) })
            .Select(k => (RedisKey)k).ToArray();
        var first = (await db.StringGetAsync(listKeys)).Select(v => RecommendationList.Parse((byte[])v!)).ToArray();
        Assert.All(first, l => Assert.Equal((1L, ListSources.Model), (l.ModelVersion, l.Source)));
        Assert.All(first, l => Assert.Equal(20, l.Items.Count));
        var u1 = first[0];
        Assert.Equal(("tab1", "screen1", "type1"), (u1.Tab, u1.Screen, u1.Type));   // u1's most frequent context
        Assert.True((await db.KeyTimeToLiveAsync(listKeys[0])) > TimeSpan.FromHours(1));

        // the CLI and the HTTP API return that list
        var (code, output) = TestInfra.Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [TestInfra.Dll("Cli"), "recs", "u1", "--k", "5", "--key-prefix", _prefix],
            new Dictionary<string, string> { ["Redis__Configuration"] = TestInfra.RedisConfiguration });
        Assert.True(code == 0, output);
        Assert.Contains(u1.Items[0].SongId, output);
        Assert.Contains("model 1", output);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var ok = await http.GetAsync("/members/u1/recommendations?k=5");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()))
        {
            Assert.Equal(1, json.RootElement.GetProperty("model_version").GetInt64());
            Assert.Equal(u1.Items.Take(5).Select(i => i.SongId), json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("song_id").GetString()));
            Assert.True(json.RootElement.GetProperty("age_seconds").GetDouble() >= 0);
        }
        var unknown = await http.GetAsync("/members/nobody/recommendations");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var json = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync()))
            Assert.Equal(10, json.RootElement.GetProperty("fallback").GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("/members/u1/recommendations?k=0")).StatusCode);
        var (unknownCode, unknownOutput) = TestInfra.Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [TestInfra.Dll("Cli"), "recs", "nobody", "--key-prefix", _prefix],
            new Dictionary<string, string> { ["Redis__Configuration"] = TestInfra.RedisConfiguration });
        Assert.True(unknownCode == 1, unknownOutput);
        Assert.Contains("unknown member", unknownOutput);

        // the swap: a reader polls every list while model 2 replaces model 1
        using var stopReading = new CancellationTokenSource();
        var problems = new List<string>();
        var seen = new HashSet<long>();
        long reads = 0;
        var reader = Task.Run(async () =>
        {
            var last = new long[listKeys.Length];
            while (!stopReading.IsCancellationRequested)
            {
                var values = await db.StringGetAsync(listKeys);
                for (int i = 0; i < values.Length; i++)
                {
                    reads++;
                    if (!values[i].HasValue) { problems.Add($"{listKeys[i]} missing"); continue; }
                    var l = RecommendationList.Parse((byte[])values[i]!);
                    seen.Add(l.ModelVersion);
                    if (l.ModelVersion < last[i]) problems.Add($"{listKeys[i]} went back from model {last[i]} to {l.ModelVersion}");
                    if (l.Items.Count != 20) problems.Add($"{listKeys[i]} has {l.Items.Count} songs");
                    last[i] = l.ModelVersion;
                }
            }
        });
        Publish(producer, 2, seed: 2);
        await scorer.WaitUntilAsync(() => (long?)db.StringGet(keys.CurrentModel) == 2, TimeSpan.FromSeconds(60), "model 2 serving");
        await Task.Delay(200);
        stopReading.Cancel();
        await reader;
        Assert.Empty(problems);
        Assert.Equal([1L, 2L], seen.Order());
        Assert.True(reads > listKeys.Length * 3, $"only {reads} reads");
        var after = (await db.StringGetAsync(listKeys)).Select(v => RecommendationList.Parse((byte[])v!)).ToArray();
        Assert.All(after, l => Assert.Equal(2, l.ModelVersion));
        Assert.NotEqual(first[5].Items.Select(i => i.SongId), after[5].Items.Select(i => i.SongId));

        // fresh: u7 listens mostly in tab3 now; its usual list follows within seconds
        long producedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int j = 0; j < 6; j++) Produce(producer, Topics.Listens, "u7", new ListenRecorded(++row, "u7", $"s{j + 1}", "tab3", "screen2", "type2", 1, producedAt));
        producer.Flush(TimeSpan.FromSeconds(10));
        string u7Key = keys.List("u7", ServingContexts.Usual);
        await scorer.WaitUntilAsync(() => db.StringGet(u7Key) is { HasValue: true } v && RecommendationList.Parse((byte[])v!).FreshAsOfMs >= producedAt,
            TimeSpan.FromSeconds(20), "u7's fresh list");
        var fresh = RecommendationList.Parse((byte[])(await db.StringGetAsync(u7Key))!);
        Assert.Equal(("tab3", "screen2", "type2"), (fresh.Tab, fresh.Screen, fresh.Type));
        Assert.Equal(2, fresh.ModelVersion);

        // the poison message went to the dead letters; the service stops cleanly on SIGTERM
        await scorer.WaitUntilAsync(() => scorer.AllOutput.Contains("Dead letter"), TimeSpan.FromSeconds(5), "the dead letter log line");
        await scorer.WaitUntilAsync(() => scorer.AllOutput.Contains("hit@10"), TimeSpan.FromSeconds(5), "served-quality metrics");
        scorer.Terminate();
        Assert.Equal(0, await scorer.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    void Publish(IProducer<byte[]?, byte[]?> producer, long version, int seed)
    {
        var bundle = TinyModel.Bundle(seed);
        string path = Path.Combine(_dir, $"model-{version}.ckpt");
        string sha = CheckpointFile.Write(path, [new CheckpointSection(CheckpointFile.BundleSection, bundle.Save)]);
        bundle.Model.Dispose();
        Produce(producer, Topics.Checkpoints, "trainer", new CheckpointPublished(version, path, sha, [], version * 100, new Dictionary<string, double>(), 0));
        producer.Flush(TimeSpan.FromSeconds(10));
    }

    static void Produce<T>(IProducer<byte[]?, byte[]?> producer, string topic, string key, T message) where T : IMessage<T> =>
        producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = Messages.Encode(message) });
}
