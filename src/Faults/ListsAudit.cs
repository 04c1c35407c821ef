using KkboxNcf.Contracts.Serving;
using StackExchange.Redis;

namespace KkboxNcf.Faults;

/// <summary>Members whose "usual" list in Redis is missing or from another model version than expected.</summary>
public static class ListsAudit
{
    public static long Stale(string redisConfiguration, string prefix, IEnumerable<string> members, long version)
    {
        using var redis = ConnectionMultiplexer.Connect(redisConfiguration + ",connectTimeout=2000,abortConnect=false");
        var keys = new RedisKeys(prefix);
        var names = members.Distinct().Select(m => (RedisKey)keys.List(m, ServingContexts.Usual)).ToArray();
        var values = redis.GetDatabase().StringGet(names);
        return values.Count(v => !v.HasValue || RecommendationList.Parse((byte[])v!).ModelVersion != version);
    }

    public static long? CurrentModel(string redisConfiguration, string prefix)
    {
        try
        {
            using var redis = ConnectionMultiplexer.Connect(redisConfiguration + ",connectTimeout=2000,abortConnect=false");
            return (long?)redis.GetDatabase().StringGet(new RedisKeys(prefix).CurrentModel);
        }
        catch (RedisException)
        {
            return null;
        }
    }
}
