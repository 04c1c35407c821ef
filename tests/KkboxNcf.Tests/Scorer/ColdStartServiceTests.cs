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
/// The Scorer service as a process on a private broker and the real local Redis (its own key prefix),
/// where the model cannot serve: before any checkpoint every member seen gets popular lists of their
/// tab, which are rewritten before a short TTL runs out; after one, a member or song the model does
/// not know takes the popular path, and the served metrics carry the shadow baselines.
/// </summary>
public sealed class ColdStartServiceTests : IAsyncLifetime
{
    readonly PrivateBroker _broker = new();
    readonly string _prefix = $"test-coldstart-{Guid.NewGuid():N}";
    readonly string _dir = Directory.CreateTempSubdirectory("kkbox-coldstart-").FullName;
    ConnectionMultiplexer _redis = null!;
    IProducer<byte[]?, byte[]?> _producer = null!;
    long _row;

    public async Task InitializeAsync()
    {
        await _broker.InitializeAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration);
        _producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = _broker.Bootstrap }, "test")).Build();
    }

    public async Task DisposeAsync()
    {
        _producer.Dispose();
        var db = _redis.GetDatabase();
        await foreach (var key in _redis.GetServers()[0].KeysAsync(pattern: _prefix + ":*")) await db.KeyDeleteAsync(key);
        await _redis.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task WithoutACheckpointEveryMemberSeenGetsPopularListsRewrittenBeforeTheyExpire()
    {
        var keys = new RedisKeys(_prefix);
        var db = _redis.GetDatabase();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var heard = new Dictionary<string, HashSet<string>>();
        void Listen(string msno, string song, string tab)
        {
            Produce(Topics.Listens, msno, new ListenRecorded(++_row, msno, song, tab, "screen", "type", 1, now));
            (heard.TryGetValue(msno, out var h) ? h : heard[msno] = []).Add(song);
        }
        // a clear top song per tab, heard by the members who made it so
        for (int i = 1; i <= 8; i++) Listen($"h{i}", "radio-hit", "radio");
        for (int i = 9; i <= 16; i++) Listen($"h{i}", "library-hit", "my library");
        for (int i = 1; i <= 5; i++) Listen($"d{i}", "discover-hit", "discover");
        // members who heard none of them: radio listeners and library listeners
        for (int i = 1; i <= 30; i++)
            for (int j = 0; j < 3; j++) Listen($"c{i}", $"own{i}-{j}", i <= 15 ? "radio" : "my library");
        _producer.Flush(TimeSpan.FromSeconds(10));

        int port = TestInfra.FreeTcpPort();
        using var scorer = ChildProcess.StartDll(TestInfra.Dll("Scorer"),
            "--Kafka:BootstrapServers", _broker.Bootstrap, "--Redis:Configuration", TestInfra.RedisConfiguration,
            "--key-prefix", _prefix, "--http", $"http://127.0.0.1:{port}", "--group", $"scorer-{Guid.NewGuid():N}",
            "--k", "5", "--Scorer:FreshBatchMs", "100", "--Scorer:ListTtlSeconds", "10");

        var members = heard.Keys.ToArray();
        var listKeys = members.SelectMany(m => new[] { keys.List(m, ServingContexts.Usual), keys.List(m, ServingContexts.Discover) }).Select(k => (RedisKey)k).ToArray();
        RecommendationList[] lists = [];
        await scorer.WaitUntilAsync(() =>
        {
            var values = db.StringGet(listKeys);
            if (values.Any(v => !v.HasValue)) return false;
            lists = values.Select(v => RecommendationList.Parse((byte[])v!)).ToArray();
            // the counts of the whole stream reached the lists (the first ones may be of part of it)
            return lists.First(l => l.Msno == "c1" && l.Context == ServingContexts.Usual).Items[0].SongId == "radio-hit"
                   && lists.First(l => l.Msno == "c30" && l.Context == ServingContexts.Usual).Items[0].SongId == "library-hit";
        }, TimeSpan.FromSeconds(60), "popular lists for every member seen");

        Assert.All(lists, l => Assert.Equal(ListSources.Popular, l.Source));
        Assert.All(lists, l => Assert.Equal(0, l.ModelVersion));
        Assert.All(lists, l => Assert.Equal(5, l.Items.Count));
        Assert.All(lists, l => Assert.Empty(l.Items.Select(i => i.SongId).Intersect(heard[l.Msno])));   // heard songs left out
        // the d members heard the discover hit themselves
        Assert.All(lists.Where(l => l.Context == ServingContexts.Discover && !l.Msno.StartsWith('d')), l => Assert.Equal(("discover", "discover-hit"), (l.Tab, l.Items[0].SongId)));
        Assert.Equal("radio", lists.First(l => l.Msno == "c1" && l.Context == ServingContexts.Usual).Tab);
        // h1 heard the radio hit: its radio list goes on with the radio songs, then the overall ones
        var h1 = lists.First(l => l.Msno == "h1" && l.Context == ServingContexts.Usual);
        Assert.Equal("radio", h1.Tab);
        Assert.DoesNotContain("radio-hit", h1.Items.Select(i => i.SongId));
        Assert.False(db.KeyExists(keys.CurrentModel));

        // the readers say where the list came from
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var ok = await http.GetAsync("/members/c1/recommendations?k=3");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using (var json = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()))
        {
            Assert.Equal("popular", json.RootElement.GetProperty("source").GetString());
            Assert.Equal("radio-hit", json.RootElement.GetProperty("items")[0].GetProperty("song_id").GetString());
        }
        var (code, output) = TestInfra.Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [TestInfra.Dll("Cli"), "recs", "c30", "--k", "3", "--key-prefix", _prefix],
            new Dictionary<string, string> { ["Redis__Configuration"] = TestInfra.RedisConfiguration });
        Assert.True(code == 0, output);
        Assert.Contains("source popular in tab 'my library'", output);
        Assert.Contains("library-hit", output);

        // no new listen, no checkpoint: the lists are rewritten every third of the 10 s TTL and never expire
        string c5 = keys.List("c5", ServingContexts.Usual);
        var written = new HashSet<long>();
        int missing = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(24))
        {
            var value = await db.StringGetAsync(c5);
            if (!value.HasValue) missing++;
            else written.Add(RecommendationList.Parse((byte[])value!).ComputedAtMs);
            Assert.True(await db.KeyTimeToLiveAsync(c5) is not { } ttl || ttl <= TimeSpan.FromSeconds(10));
            await Task.Delay(200);
        }
        Assert.Equal(0, missing);
        Assert.True(written.Count >= 4, $"c5's list was written {written.Count} times in 24 s");
        Assert.Contains("Popular lists written", scorer.AllOutput);

        scorer.Terminate();
        Assert.Equal(0, await scorer.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task AnUnknownMemberOrSongTakesThePopularPathBesideTheModel()
    {
        var keys = new RedisKeys(_prefix);
        var db = _redis.GetDatabase();
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 1; i <= 20; i++)
            for (int j = 0; j < 4; j++)
                Produce(Topics.Listens, $"u{i}", new ListenRecorded(++_row, $"u{i}", $"s{1 + (i * 13 + j * 7) % 40}", "tab1", "screen1", "type1", j % 2, now));
        _producer.Flush(TimeSpan.FromSeconds(10));

        string metrics = Path.Combine(_dir, "scorer-metrics.jsonl");
        int port = TestInfra.FreeTcpPort();
        using var scorer = ChildProcess.StartDll(TestInfra.Dll("Scorer"),
            "--Kafka:BootstrapServers", _broker.Bootstrap, "--Redis:Configuration", TestInfra.RedisConfiguration,
            "--key-prefix", _prefix, "--http", $"http://127.0.0.1:{port}", "--group", $"scorer-{Guid.NewGuid():N}",
            "--k", "10", "--candidates", "20", "--Scorer:FreshBatchMs", "100", "--Scorer:MetricsEverySeconds", "1", "--metrics-file", metrics,
            "--Scorer:DiscoverContext", TinyModel.Discover.ToString());
        Publish(1);
        await scorer.WaitUntilAsync(() => (long?)db.StringGet(keys.CurrentModel) == 1, TimeSpan.FromSeconds(60), "model 1 serving");

        // a member the model does not know, and a song it does not know, for it and for a known member;
        // another new member who heard a song the model knows
        long producedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Produce(Topics.Listens, "newbie", new ListenRecorded(++_row, "newbie", "zz-unknown-song", "tab1", "screen1", "type1", 1, producedAt));
        Produce(Topics.Listens, "newbie", new ListenRecorded(++_row, "newbie", "zz-unknown-song-2", "tab1", "screen1", "type1", 1, producedAt + 1));
        Produce(Topics.Listens, "newbie-2", new ListenRecorded(++_row, "newbie-2", "s3", "tab1", "screen1", "type1", 1, producedAt + 1));
        Produce(Topics.Listens, "u1", new ListenRecorded(++_row, "u1", "zz-unknown-song", "tab1", "screen1", "type1", 1, producedAt));
        // u2 moves to a tab the model never saw: its usual list is popular there, its discover list the model's
        for (int j = 0; j < 6; j++) Produce(Topics.Listens, "u2", new ListenRecorded(++_row, "u2", $"s{200 + j}", "zz-new-tab", "screen1", "type1", 1, producedAt + 2 + j));
        _producer.Flush(TimeSpan.FromSeconds(10));
        RecommendationList? Read(string msno, string context) =>
            db.StringGet(keys.List(msno, context)) is { HasValue: true } v ? RecommendationList.Parse((byte[])v!) : null;
        await scorer.WaitUntilAsync(() => Read("newbie", ServingContexts.Usual)?.FreshAsOfMs >= producedAt + 1 && Read("newbie", ServingContexts.Discover) is not null
                                           && Read("newbie-2", ServingContexts.Usual)?.FreshAsOfMs >= producedAt + 1 && Read("newbie-2", ServingContexts.Discover) is not null
                                           && Read("u1", ServingContexts.Usual)?.FreshAsOfMs >= producedAt && Read("u2", ServingContexts.Usual)?.FreshAsOfMs >= producedAt + 7,
            TimeSpan.FromSeconds(20), "lists of newbie and u1 after their listens");

        var newbie = Read("newbie", ServingContexts.Usual)!;
        Assert.Equal((ListSources.Popular, 1L, "tab1"), (newbie.Source, newbie.ModelVersion, newbie.Tab));
        Assert.Equal(10, newbie.Items.Count);
        Assert.DoesNotContain(newbie.Items, i => i.SongId is "zz-unknown-song" or "zz-unknown-song-2");
        Assert.Equal(ListSources.Popular, Read("newbie", ServingContexts.Discover)!.Source);
        // the model has no row for newbie-2 but knows s3: its unknown-member row with that song, both lists
        var newbie2 = Read("newbie-2", ServingContexts.Usual)!;
        Assert.Equal((ListSources.Model, 1L, 10), (newbie2.Source, newbie2.ModelVersion, newbie2.Items.Count));
        Assert.DoesNotContain(newbie2.Items, i => i.SongId == "s3");
        Assert.Equal(ListSources.Model, Read("newbie-2", ServingContexts.Discover)!.Source);
        var u1 = Read("u1", ServingContexts.Usual)!;
        Assert.Equal((ListSources.Model, 1L), (u1.Source, u1.ModelVersion));
        Assert.Equal(10, u1.Items.Count);
        Assert.DoesNotContain(u1.Items, i => i.SongId == "zz-unknown-song");
        var u2 = Read("u2", ServingContexts.Usual)!;
        Assert.Equal((ListSources.Popular, "zz-new-tab", 10), (u2.Source, u2.Tab, u2.Items.Count));
        // the tab's only songs are u2's own, heard: the list comes from the overall fallback
        Assert.DoesNotContain(u2.Items, i => i.SongId.StartsWith("s20") && i.SongId.Length == 4);
        Assert.Equal(ListSources.Model, Read("u2", ServingContexts.Discover)!.Source);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var seen = await http.GetAsync("/members/newbie/recommendations");
        Assert.Equal(HttpStatusCode.OK, seen.StatusCode);
        using (var json = JsonDocument.Parse(await seen.Content.ReadAsStringAsync()))
            Assert.Equal("popular", json.RootElement.GetProperty("source").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/members/never-seen/recommendations")).StatusCode);

        // later listens are judged against the served lists and, beside them, the two shadows
        long later = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1;
        await Task.Delay(50);
        for (int i = 1; i <= 20; i++)
            Produce(Topics.Listens, $"u{i}", new ListenRecorded(++_row, $"u{i}", $"s{100 + i}", "tab1", "screen1", "type1", 1, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        _producer.Flush(TimeSpan.FromSeconds(10));
        JsonElement last = default;
        await scorer.WaitUntilAsync(() =>
        {
            if (!File.Exists(metrics)) return false;
            var lines = File.ReadAllLines(metrics).Where(l => l.Length > 0).ToArray();
            if (lines.Length == 0) return false;
            last = JsonDocument.Parse(lines[^1]).RootElement.Clone();
            return last.GetProperty("observed").GetInt64() >= 20;
        }, TimeSpan.FromSeconds(20), "served metrics over the later listens");
        Assert.Equal(JsonValueKind.Number, last.GetProperty("shadow_popular_hit_rate_at_k").ValueKind);
        Assert.InRange(last.GetProperty("shadow_popular_hit_rate_at_k").GetDouble(), 0, 1);
        Assert.InRange(last.GetProperty("shadow_most_played_hit_rate_at_k").GetDouble(), 0, 1);
        Assert.Contains("shadow popular", scorer.AllOutput);

        scorer.Terminate();
        Assert.Equal(0, await scorer.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    void Publish(long version)
    {
        var bundle = TinyModel.Bundle(seed: (int)version, listenDim: 8);
        string path = Path.Combine(_dir, $"model-{version}.ckpt");
        string sha = CheckpointFile.Write(path, [new CheckpointSection(CheckpointFile.BundleSection, bundle.Save)]);
        bundle.Model.Dispose();
        Produce(Topics.Checkpoints, "trainer", new CheckpointPublished(version, path, sha, [], version * 100, new Dictionary<string, double>(), 0));
        _producer.Flush(TimeSpan.FromSeconds(10));
    }

    void Produce<T>(string topic, string key, T message) where T : IMessage<T> =>
        _producer.Produce(topic, new Message<byte[]?, byte[]?> { Key = System.Text.Encoding.UTF8.GetBytes(key), Value = Messages.Encode(message) });
}
