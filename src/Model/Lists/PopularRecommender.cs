using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// The most played songs: over every train listen ("popular"), or over the last WindowListens of them
/// ("popular, trailing window", what is played now; songs the window lacks follow by their count over
/// all listens, so a list is never short). The same list for everyone, minus what each has heard.
/// </summary>
public sealed class PopularRecommender(int? windowListens = null) : IListRecommender
{
    string[] _order = [];
    string[] _all = [];

    public string Name => windowListens is { } w ? $"popular, last {w:N0} listens" : "popular";

    public void Fit(IReadOnlyList<Listen> train)
    {
        _all = SongRanking.ByCount(SongRanking.Count(train.Select(l => l.SongId)));
        if (windowListens is not { } w) { _order = _all; return; }
        if (w < 1) throw new ArgumentOutOfRangeException(nameof(windowListens), w, "the window needs at least one listen");
        _order = SongRanking.ByCount(SongRanking.Count(train.Skip(Math.Max(0, train.Count - w)).Select(l => l.SongId)));
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude) =>
        SongRanking.FirstK(k, exclude, _order, _all);
}
