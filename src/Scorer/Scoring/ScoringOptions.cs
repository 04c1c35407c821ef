namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// How lists are computed. K: songs per list. Candidates: C, the dot-product stage's songs per
/// member handed to the full model (besides the popular and rising songs). CandidateBlock: members
/// per matrix product (memory: block x songs x 4 bytes). ExcludeHeard: leave out songs the member
/// has listened to. Discover: the listening context of the "discover" list (null: no such list).
/// PriorCandidates: songs per listening context that the full model ranks highest for a member it
/// knows nothing about (the unknown member row), added to every list of that context; a trained NCF's
/// ranking owes much to song metadata and context, which the dot-product stage cannot see.
/// ReplayWeight (models with a listen head): the final score is listen logit + ReplayWeight x
/// log P(replay | played); 0 ranks by the listen head alone and skips the replay forward pass.
/// Rerank: songs per list, best by the listen score, that get a replay probability when ReplayWeight > 0.
/// PopularityWeight (models with a listen head): adds PopularityWeight x log(1 + the song's recent
/// plays in the list's tab), when the caller gives those plays: the stream's trends move faster than
/// one pass of SGD moves a song's bias.
/// CoListenWeight (models with a listen head): adds CoListenWeight x the member's co-listen score of
/// the song (item-to-item cosine: the sum of its similarity to each song they heard, ItemNeighbours)
/// when the caller gives the neighbours; CoListenCandidates: the member's best songs by that score
/// added to the candidates.
/// </summary>
public sealed record ScoringOptions(
    int K = 50,
    int Candidates = 100,
    int CandidateBlock = 256,
    bool ExcludeHeard = false,
    ListeningContext? Discover = null,
    int PriorCandidates = 0,
    double ReplayWeight = 0,
    int Rerank = 100,
    double PopularityWeight = 0,
    double CoListenWeight = 0,
    int CoListenCandidates = 0);
