using KkboxNcf.Contracts;

namespace KkboxNcf.Scorer.Serving;

/// <summary>The baselines a served list is judged beside: would their lists have held a listen's song? Never written anywhere.</summary>
public interface IShadowLists
{
    /// <param name="servingContext">The serving context whose list the listen is judged against (usual or discover).</param>
    /// <returns>Popular: in the popular list of that context's tab; MostPlayed: among the most played songs overall (both at k, the member's heard songs left out as the served lists leave them out).</returns>
    ShadowHits Hits(ListenRecorded listen, string servingContext, int k);
}

public readonly record struct ShadowHits(bool Popular, bool MostPlayed);
