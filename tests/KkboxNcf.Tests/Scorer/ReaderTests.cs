using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Redis;
using StackExchange.Redis;

namespace KkboxNcf.Tests.Scorer;

public sealed class ReaderTests : IAsyncLifetime
{
    readonly RedisKeys _keys = new($"test-reader-{Guid.NewGuid():N}");
    ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration);

    public async Task DisposeAsync()
    {
        var db = _redis.GetDatabase();
        await foreach (var key in _redis.GetServers()[0].KeysAsync(pattern: _keys.Prefix + ":*")) await db.KeyDeleteAsync(key);
        await _redis.DisposeAsync();
    }

    static RecommendationList List(string msno, long version, int n) =>
        new(msno, version, ServingContexts.Usual, "t", "s", "y", 1000, 0, Enumerable.Range(0, n).Select(i => new RecommendedSong($"song{i}", 1f - i / 100f)).ToArray());

    [Fact]
    public async Task WrittenListsReadBackCutToKWithTheCurrentModel()
    {
        var writer = new ListWriter(_redis.GetDatabase(), _keys, TimeSpan.FromMinutes(5), batchSize: 7);
        writer.Write(Enumerable.Range(0, 30).Select(i => List($"m{i}", 3, 20)).ToList());
        writer.SetCurrentModel(3);

        var outcome = await new RecommendationReader(_redis, _keys).ReadAsync("m29", ServingContexts.Usual, 5);

        Assert.Equal(30, writer.ListsWritten);
        Assert.Equal(ReadStatus.Found, outcome.Status);
        Assert.Equal(["song0", "song1", "song2", "song3", "song4"], outcome.List!.Items.Select(i => i.SongId));
        Assert.Equal(3, outcome.CurrentModel);
        Assert.InRange((await _redis.GetDatabase().KeyTimeToLiveAsync(_keys.List("m0", ServingContexts.Usual)))!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task AnUnknownMemberGetsThePopularFallbackOnlyWhenConfigured()
    {
        var writer = new ListWriter(_redis.GetDatabase(), _keys, TimeSpan.FromMinutes(5));
        writer.WritePopular(List("", 1, 50) with { Context = ServingContexts.Popular });

        var with = await new RecommendationReader(_redis, _keys).ReadAsync("nobody", ServingContexts.Usual, 10);
        var without = await new RecommendationReader(_redis, _keys, fallbackToPopular: false).ReadAsync("nobody", ServingContexts.Usual, 10);

        Assert.Equal(ReadStatus.UnknownMember, with.Status);
        Assert.Equal(10, with.Fallback!.Items.Count);
        Assert.Contains("nobody", with.Problem);
        Assert.Equal(ReadStatus.UnknownMember, without.Status);
        Assert.Null(without.Fallback);
    }

    [Fact]
    public async Task RedisDownIsUnavailableNotACrash()
    {
        using var dead = RedisConnection.Connect(new RedisSettings { Configuration = $"127.0.0.1:{TestInfra.FreeTcpPort()},connectTimeout=300,syncTimeout=500,asyncTimeout=500" });
        var outcome = await new RecommendationReader(dead, _keys).ReadAsync("m1", ServingContexts.Usual, 10);
        Assert.Equal(ReadStatus.Unavailable, outcome.Status);
        Assert.Contains("Redis unavailable", outcome.Problem);
    }

    [Fact]
    public void StoredValuesKeepBase64IdsAsTheyAreAndEscapeWhatJsonRequires()
    {
        var list = new RecommendationList("a+b/c==", 4, "usual", "t\"ab", "s\\", "x\ny", 1, 2,
            [new RecommendedSong("S+o/ng=", 0.25f), new RecommendedSong("<b>&'", 0.125f)]);
        byte[] first = list.ToUtf8();
        string json = System.Text.Encoding.UTF8.GetString(first);
        Assert.Contains("\"a+b/c==\"", json);
        Assert.Contains("\"S+o/ng=\"", json);
        Assert.Contains("\"score\":0.250000000", json);
        foreach (float score in new[] { 0.123456789f, 1e-7f, 0.99999994f, -0.5f, 3.25f, 0f })
        {
            var one = RecommendationList.Parse((list with { Items = [new RecommendedSong("s", score)] }).ToUtf8()).Items[0].Score;
            Assert.Equal(score, one, 6);
        }
        var back = RecommendationList.Parse(first);
        Assert.Equal(list with { Items = [] }, back with { Items = [] });
        Assert.Equal(list.Items, back.Items);
        // the per-thread writer is reused: a second, shorter value must not carry bytes of the first
        var other = new RecommendationList("m", 1, "discover", "", "", "", 0, 0, []);
        Assert.Equal(other with { Items = [] }, RecommendationList.Parse(other.ToUtf8()) with { Items = [] });
        Assert.Equal(first, list.ToUtf8());
    }

    [Fact]
    public void AStoredValueThatIsNotAListIsAClearError()
    {
        var e = Assert.Throws<FormatException>(() => RecommendationList.Parse("{\"msno\":"u8));
        Assert.Contains("not a recommendation list", e.Message);
    }

    [Fact]
    public void BadSettingsAreNamed()
    {
        var s = new ScorerSettings { K = 0, Candidates = -1, DefaultContext = "only-a-tab", HttpUrl = "ftp://x", ListTtlSeconds = 1 };
        var errors = s.Validate().ToList();
        Assert.Contains(errors, e => e.StartsWith("Scorer:K "));
        Assert.Contains(errors, e => e.StartsWith("Scorer:DefaultContext "));
        Assert.Contains(errors, e => e.StartsWith("Scorer:HttpUrl "));
        Assert.Contains(errors, e => e.StartsWith("Scorer:ListTtlSeconds "));
        Assert.Empty(new ScorerSettings().Validate());
    }
}
