namespace KkboxNcf.Contracts;

/// <summary>
/// Where the Scorer writes and readers read. Bound from the "Redis" configuration section
/// (environment: Redis__Configuration), a StackExchange.Redis configuration string, e.g.
/// "127.0.0.1:6391" or "redis:6379,password=...,ssl=true".
/// </summary>
public sealed class RedisSettings
{
    public const string Section = "Redis";
    public const string DefaultConfiguration = "127.0.0.1:6391";

    public string Configuration { get; set; } = DefaultConfiguration;
}
