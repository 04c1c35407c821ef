using StackExchange.Redis;

namespace KkboxNcf.Tests.Redis;

/// <summary>Against the real local Redis that ./kkbox test starts (never a fake).</summary>
public class RedisIntegrationTests : IAsyncLifetime
{
    ConnectionMultiplexer _redis = null!;
    readonly string _prefix = $"test:{Guid.NewGuid():N}:";

    public async Task InitializeAsync()
    {
        try
        {
            _redis = await ConnectionMultiplexer.ConnectAsync(TestInfra.RedisConfiguration + ",connectTimeout=3000");
        }
        catch (RedisConnectionException e)
        {
            throw new InvalidOperationException(
                $"Redis is not reachable at {TestInfra.RedisConfiguration}: run ./kkbox infra up (or ./kkbox test). {e.Message}");
        }
    }

    public async Task DisposeAsync()
    {
        var server = _redis.GetServers()[0];
        var db = _redis.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*")) await db.KeyDeleteAsync(key);
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task WritesAndReadsBackAString()
    {
        var db = _redis.GetDatabase();
        await db.StringSetAsync(_prefix + "k", "周杰倫 \u00a0 value");
        Assert.Equal("周杰倫 \u00a0 value", (string?)await db.StringGetAsync(_prefix + "k"));
    }

    [Fact]
    public async Task PipelinedBatchWritesEveryKeyWithExpiry()
    {
        var db = _redis.GetDatabase();
        var batch = db.CreateBatch();
        var writes = Enumerable.Range(0, 1000)
            .Select(i => batch.StringSetAsync($"{_prefix}list:{i}", new byte[] { (byte)i, 1, 2 }, TimeSpan.FromMinutes(5)))
            .ToArray();
        batch.Execute();
        Assert.All(await Task.WhenAll(writes), Assert.True);

        byte[]? value = await db.StringGetAsync($"{_prefix}list:999");
        Assert.Equal(new byte[] { 999 % 256, 1, 2 }, value);
        var ttl = await db.KeyTimeToLiveAsync($"{_prefix}list:0");
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
    }
}
