using KkboxNcf.Contracts.Serving;

namespace KkboxNcf.Scorer.Redis;

public enum ReadStatus
{
    Found,
    UnknownMember,
    Unavailable,
}

/// <summary>
/// A read of a member's list: Found with the list (cut to k) and its age; UnknownMember with the
/// fallback popular list when one is configured and stored; Unavailable with the reason (Redis down).
/// CurrentModel is the version whose full refresh last completed (null when unknown).
/// </summary>
public sealed record ReadOutcome(ReadStatus Status, RecommendationList? List, RecommendationList? Fallback, long? CurrentModel, string? Problem)
{
    public double AgeSeconds(long nowMs) => List is null ? double.NaN : Math.Max(0, nowMs - List.ComputedAtMs) / 1000.0;
}
