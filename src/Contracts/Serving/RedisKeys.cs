namespace KkboxNcf.Contracts.Serving;

/// <summary>
/// Every Redis key of the serving layer, built in this one place (README, "Redis keys"):
///   {prefix}:recs:{msno}:{context}  string: one member's whole list for one serving context (RecommendationList JSON)
///   {prefix}:model:current          string: the model version whose full refresh last completed
///   {prefix}:popular                string: the fallback list of popular songs (RecommendationList JSON, member "")
/// The prefix (default "kkbox") lets tests and several deployments share one Redis.
/// </summary>
public sealed class RedisKeys(string prefix = RedisKeys.DefaultPrefix)
{
    public const string DefaultPrefix = "kkbox";

    public string Prefix { get; } = prefix;

    public string List(string msno, string context) => $"{Prefix}:recs:{msno}:{context}";

    public string CurrentModel => $"{Prefix}:model:current";

    public string Popular => $"{Prefix}:popular";

    /// <summary>A pattern matching every list key (for SCAN in tests and tools; never KEYS in production).</summary>
    public string AllListsPattern => $"{Prefix}:recs:*";
}
