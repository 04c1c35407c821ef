using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Hosting;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Scorer;

/// <summary>The "Scorer" configuration section (environment: Scorer__K, ...; command line: see Program).</summary>
public sealed class ScorerSettings : ISettings
{
    public static string Section => "Scorer";

    public string ListensTopic { get; set; } = Topics.Listens;
    public string CheckpointsTopic { get; set; } = Topics.Checkpoints;
    public string MetricsTopic { get; set; } = Topics.Metrics;
    public string DeadLettersTopic { get; set; } = Topics.DeadLetters;

    /// <summary>The Scorer's own consumer group on the listens topic; its instances split the partitions.</summary>
    public string GroupId { get; set; } = "kkbox-scorer";

    /// <summary>Songs per list.</summary>
    public int K { get; set; } = 50;
    /// <summary>C: songs per member from the dot-product stage that the full model ranks.</summary>
    public int Candidates { get; set; } = 50;
    /// <summary>Popular and rising songs added to every member's candidates.</summary>
    public int PopularCandidates { get; set; } = 25;
    public int RisingCandidates { get; set; } = 25;
    /// <summary>
    /// Songs per listening context that the full model ranks highest for an unknown member, added to every
    /// list of that context. Off by default: the listen head's candidates already see song metadata and the
    /// context, and the prior costs an exhaustive replay-model pass per model.
    /// </summary>
    public int PriorCandidates { get; set; }
    /// <summary>Final score = listen logit + ReplayWeight x log P(replay | played) (0: the listen head alone; see docs/lists.md).</summary>
    public double ReplayWeight { get; set; }
    /// <summary>Songs per list, best by the listen score, that get a replay probability when ReplayWeight > 0.</summary>
    public int Rerank { get; set; } = 100;
    /// <summary>Adds PopularityWeight x log(1 + the song's recent plays in the list's tab) to the listen head's score (0: off; see docs/lists.md).</summary>
    public double PopularityWeight { get; set; } = 1.0;
    /// <summary>Adds CoListenWeight x the member's co-listen score of the song (item-to-item cosine: sum of its similarity to each song they heard; 0: off; see docs/lists.md).</summary>
    public double CoListenWeight { get; set; } = 8.0;
    /// <summary>The member's best songs by co-listen score added to their candidates.</summary>
    public int CoListenCandidates { get; set; } = 50;
    /// <summary>Recent songs kept per member, that the co-listen neighbours are built from and a member's co-listen score sums over (a build costs the sum over members of these squared).</summary>
    public int CoListenHistory { get; set; } = Members.MemberActivity.DefaultRecentSongs;
    /// <summary>Co-listen neighbours kept per song (K of item-to-item cosine).</summary>
    public int Neighbours { get; set; } = 20;
    /// <summary>
    /// The co-listen neighbours are rebuilt from the members' heard songs (in the background; a rebuild
    /// costs the sum over members of their songs squared) at least this often while listens come, and
    /// sooner whenever the listens read grew by a quarter since the last rebuild.
    /// </summary>
    public int NeighboursEverySeconds { get; set; } = 300;
    /// <summary>Half-life of a listen's weight in the rising-songs count, in listens of the stream.</summary>
    public double RisingHalfLifeListens { get; set; } = 50_000;
    /// <summary>How often the popular and rising songs are recomputed for the candidates.</summary>
    public int ExtrasEverySeconds { get; set; } = 30;
    /// <summary>Members per matrix product (memory: about block x songs x 4 bytes, twice).</summary>
    public int CandidateBlock { get; set; } = 256;
    /// <summary>Leave songs the member has heard out of their lists: KKBOX holds each (member, song) pair once, so a heard song is never a member's next listen.</summary>
    public bool ExcludeHeard { get; set; } = true;

    /// <summary>Context of the "usual" list of a member with no listens seen: "tab|screen|type".</summary>
    public string DefaultContext { get; set; } = "my library|Local playlist more|local-library";
    /// <summary>Context of the "discover" list; empty = no discover lists.</summary>
    public string DiscoverContext { get; set; } = "discover|Discover Feature|online-playlist";

    /// <summary>Lists expire this long after they were written; the Scorer rewrites every list it owns every third of it.</summary>
    public int ListTtlSeconds { get; set; } = 6 * 3600;
    public string KeyPrefix { get; set; } = RedisKeys.DefaultPrefix;
    public int WriteBatch { get; set; } = Redis.ListWriter.DefaultBatch;

    /// <summary>A member with new listens is re-scored at most this long after the first of them.</summary>
    public int FreshBatchMs { get; set; } = 250;
    /// <summary>Most members re-scored at once by the fresh path.</summary>
    public int FreshBatchMembers { get; set; } = 2048;
    /// <summary>On assignment, read each partition from its start to rebuild member history (else from the committed offset).</summary>
    public bool ReplayHistory { get; set; } = true;
    /// <summary>Partitions of the listens topic (to hash members to partitions); 0 = ask the broker.</summary>
    public int ListensPartitions { get; set; }

    /// <summary>Address of the HTTP read API (127.0.0.1 by default: put a proxy in front to expose it).</summary>
    public string HttpUrl { get; set; } = "http://127.0.0.1:8080";
    /// <summary>Answer an unknown member's 404 with the popular list.</summary>
    public bool FallbackToPopular { get; set; } = true;
    /// <summary>Requests the API works on at once; more wait in a queue of HttpQueueLimit, beyond it they get 503 at once.</summary>
    public int HttpMaxConcurrentRequests { get; set; } = 64;
    public int HttpQueueLimit { get; set; } = 512;
    /// <summary>Open connections Kestrel accepts; more are refused (each costs memory even when idle).</summary>
    public int HttpMaxConnections { get; set; } = 4096;

    public int MetricsEverySeconds { get; set; } = 10;
    /// <summary>JSON-lines file of the served-quality metrics; empty = the metrics topic only.</summary>
    public string? MetricsFile { get; set; }

    public ScoringOptions Scoring => new(K, Candidates, CandidateBlock, ExcludeHeard,
        string.IsNullOrWhiteSpace(DiscoverContext) ? null : ListeningContext.Parse(DiscoverContext), PriorCandidates,
        ReplayWeight, Rerank, PopularityWeight, CoListenWeight, CoListenCandidates);

    public ListeningContext Fallback => ListeningContext.Parse(DefaultContext);

    public TimeSpan ListTtl => TimeSpan.FromSeconds(ListTtlSeconds);

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
        {
            ("ListensTopic", ListensTopic), ("CheckpointsTopic", CheckpointsTopic), ("MetricsTopic", MetricsTopic),
            ("DeadLettersTopic", DeadLettersTopic), ("GroupId", GroupId), ("KeyPrefix", KeyPrefix),
        })
            if (string.IsNullOrWhiteSpace(value)) yield return $"Scorer:{name} must not be empty";
        if (K < 1) yield return $"Scorer:K must be at least 1, got {K}";
        if (Candidates < K) yield return $"Scorer:Candidates must be at least Scorer:K ({K}), got {Candidates}";
        if (PopularCandidates < 0) yield return $"Scorer:PopularCandidates must be 0 or more, got {PopularCandidates}";
        if (PriorCandidates < 0) yield return $"Scorer:PriorCandidates must be 0 or more, got {PriorCandidates}";
        if (!(ReplayWeight >= 0) || double.IsInfinity(ReplayWeight)) yield return $"Scorer:ReplayWeight must be 0 or more, got {ReplayWeight}";
        if (!(PopularityWeight >= 0) || double.IsInfinity(PopularityWeight)) yield return $"Scorer:PopularityWeight must be 0 or more, got {PopularityWeight}";
        if (!(CoListenWeight >= 0) || double.IsInfinity(CoListenWeight)) yield return $"Scorer:CoListenWeight must be 0 or more, got {CoListenWeight}";
        if (CoListenCandidates < 0) yield return $"Scorer:CoListenCandidates must be 0 or more, got {CoListenCandidates}";
        if (CoListenHistory < 20) yield return $"Scorer:CoListenHistory must be at least 20 (the listen head's history comes from it too), got {CoListenHistory}";
        if (Neighbours < 1) yield return $"Scorer:Neighbours must be at least 1, got {Neighbours}";
        if (NeighboursEverySeconds < 1) yield return $"Scorer:NeighboursEverySeconds must be at least 1, got {NeighboursEverySeconds}";
        if (Rerank < K) yield return $"Scorer:Rerank must be at least Scorer:K ({K}), got {Rerank}";
        if (RisingCandidates < 0) yield return $"Scorer:RisingCandidates must be 0 or more, got {RisingCandidates}";
        if (!(RisingHalfLifeListens >= 1)) yield return $"Scorer:RisingHalfLifeListens must be at least 1, got {RisingHalfLifeListens}";
        if (ExtrasEverySeconds < 1) yield return $"Scorer:ExtrasEverySeconds must be at least 1, got {ExtrasEverySeconds}";
        if (CandidateBlock < 1) yield return $"Scorer:CandidateBlock must be at least 1, got {CandidateBlock}";
        if (!ListeningContext.TryParse(DefaultContext, out _)) yield return $"Scorer:DefaultContext must be \"tab|screen|type\", got \"{DefaultContext}\"";
        if (!string.IsNullOrWhiteSpace(DiscoverContext) && !ListeningContext.TryParse(DiscoverContext, out _))
            yield return $"Scorer:DiscoverContext must be \"tab|screen|type\" or empty, got \"{DiscoverContext}\"";
        if (ListTtlSeconds < 10) yield return $"Scorer:ListTtlSeconds must be at least 10, got {ListTtlSeconds}";
        if (WriteBatch < 1) yield return $"Scorer:WriteBatch must be at least 1, got {WriteBatch}";
        if (FreshBatchMs < 1) yield return $"Scorer:FreshBatchMs must be at least 1, got {FreshBatchMs}";
        if (FreshBatchMembers < 1) yield return $"Scorer:FreshBatchMembers must be at least 1, got {FreshBatchMembers}";
        if (ListensPartitions < 0) yield return $"Scorer:ListensPartitions must be 0 (ask the broker) or positive, got {ListensPartitions}";
        if (!(Uri.TryCreate(HttpUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            yield return $"Scorer:HttpUrl must be an http(s) URL, got \"{HttpUrl}\"";
        if (HttpMaxConcurrentRequests < 1) yield return $"Scorer:HttpMaxConcurrentRequests must be at least 1, got {HttpMaxConcurrentRequests}";
        if (HttpQueueLimit < 0) yield return $"Scorer:HttpQueueLimit must be 0 (no queue) or more, got {HttpQueueLimit}";
        if (HttpMaxConnections < 1) yield return $"Scorer:HttpMaxConnections must be at least 1, got {HttpMaxConnections}";
        if (MetricsEverySeconds < 1) yield return $"Scorer:MetricsEverySeconds must be at least 1, got {MetricsEverySeconds}";
        if (MetricsFile is { Length: 0 }) yield return "Scorer:MetricsFile must be a path when set";
    }
}
