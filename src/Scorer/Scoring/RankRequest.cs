namespace KkboxNcf.Scorer.Scoring;

/// <summary>One member's candidate song rows to rank with the full model in one listening context.</summary>
public sealed record RankRequest(int UserRow, int[] Songs, ListeningContext Context);

/// <summary>The best song rows of a request, best first, with their probabilities.</summary>
public sealed record RankedSongs(int[] Songs, float[] Scores);
