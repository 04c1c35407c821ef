using KkboxNcf.Contracts.Serving;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Redis;

/// <summary>Reads a member's list for the CLI and the HTTP API: one GET (plus the model pointer, pipelined).</summary>
public sealed class RecommendationReader(IConnectionMultiplexer redis, RedisKeys keys, bool fallbackToPopular = true)
{
    public async Task<ReadOutcome> ReadAsync(string msno, string context, int k)
    {
        try
        {
            var db = redis.GetDatabase();
            var listTask = db.StringGetAsync(keys.List(msno, context));
            var modelTask = db.StringGetAsync(keys.CurrentModel);
            var value = await listTask;
            var model = await modelTask;
            long? current = model.HasValue && long.TryParse(model.ToString(), out long v) ? v : null;
            if (value.HasValue) return new ReadOutcome(ReadStatus.Found, RecommendationList.Parse((byte[])value!).Top(k), null, current, null);
            RecommendationList? fallback = null;
            if (fallbackToPopular)
            {
                var popular = await db.StringGetAsync(keys.Popular);
                if (popular.HasValue) fallback = RecommendationList.Parse((byte[])popular!).Top(k);
            }
            return new ReadOutcome(ReadStatus.UnknownMember, null, fallback, current, $"no {context} list for member '{msno}'");
        }
        catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException)
        {
            return new ReadOutcome(ReadStatus.Unavailable, null, null, null, $"Redis unavailable: {e.Message}");
        }
    }
}
