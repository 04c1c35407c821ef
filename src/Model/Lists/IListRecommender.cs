using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// Something that writes recommendation lists: it learns from the listens before the split (in
/// stream order), then ranks songs for a member in a context. Small on purpose (fit, recommend), so a
/// baseline, an offline model and the served pipeline are judged by one protocol (ListEvaluation).
/// </summary>
public interface IListRecommender
{
    string Name { get; }

    /// <summary>Learns from the listens before the split, oldest first. Called once, before any Recommend.</summary>
    void Fit(IReadOnlyList<Listen> train);

    /// <summary>At most k distinct songs, best first, none of them in exclude.</summary>
    IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude);

    /// <summary>The lists of many requests at once (a model that ranks in batches overrides it); same lists as Recommend one by one.</summary>
    IReadOnlyList<IReadOnlyList<string>> RecommendAll(IReadOnlyList<ListRequest> requests, int k) =>
        requests.Select(r => Recommend(r.Member, r.Context, k, r.Exclude)).ToArray();
}
