using KkboxNcf.Contracts;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Redis;

public static class RedisConnection
{
    /// <summary>
    /// One multiplexer for the process. It does not fail when Redis is down at start: it keeps
    /// reconnecting, and commands fail at once (503 on the API) until Redis is back.
    /// </summary>
    public static ConnectionMultiplexer Connect(RedisSettings settings)
    {
        var options = ConfigurationOptions.Parse(settings.Configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2_000);
        options.SyncTimeout = Math.Max(options.SyncTimeout, 10_000);
        // While disconnected, fail commands at once instead of queueing them until the timeout: the
        // API answers 503 immediately and the Scorer's own retry (with back-off) decides when to try again.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return ConnectionMultiplexer.Connect(options);
    }
}
