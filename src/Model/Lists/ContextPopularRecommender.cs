using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// The most played songs in the tab (source_system_tab) the list is read in: what members play from
/// "my library" differs from what they play from "discover" or "radio". Songs never played in that tab
/// (or a tab never seen) follow by their count over all listens.
/// </summary>
public sealed class ContextPopularRecommender : IListRecommender
{
    Dictionary<string, string[]> _byTab = new(StringComparer.Ordinal);
    string[] _all = [];

    public string Name => "popular in the listen's tab";

    public void Fit(IReadOnlyList<Listen> train)
    {
        _all = SongRanking.ByCount(SongRanking.Count(train.Select(l => l.SongId)));
        _byTab = train.GroupBy(l => l.SourceSystemTab, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => SongRanking.ByCount(SongRanking.Count(g.Select(l => l.SongId))), StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude) =>
        SongRanking.FirstK(k, exclude, _byTab.GetValueOrDefault(context.Tab, []), _all);
}
