namespace KkboxNcf.Scorer.Scoring;

/// <summary>
/// A member to compute lists for: the listening context of their "usual" list, the songs they
/// have heard (left out when ExcludeHeard), and the ProducedAtMs of their newest listen seen (0: none).
/// Recent: their last songs, most recent first (what the listen head's member vector sees of the session).
/// </summary>
public sealed record MemberToScore(string Msno, ListeningContext Usual, IReadOnlyCollection<string> Heard, long FreshAsOfMs)
{
    public IReadOnlyList<string> Recent { get; init; } = [];
}
