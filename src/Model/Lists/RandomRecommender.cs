using KkboxNcf.Data;

namespace KkboxNcf.Model.Lists;

/// <summary>k songs drawn uniformly from the catalogue (songs heard before the split), without the left-out ones: the floor.</summary>
public sealed class RandomRecommender(int seed = 11) : IListRecommender
{
    readonly Random _rng = new(seed);
    string[] _songs = [];
    HashSet<string> _catalogue = new(StringComparer.Ordinal);

    public string Name => "random";

    public void Fit(IReadOnlyList<Listen> train)
    {
        _songs = train.Select(l => l.SongId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        _catalogue = _songs.ToHashSet(StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude)
    {
        int wanted = Math.Min(k, _songs.Length - exclude.Count(_catalogue.Contains));
        var list = new List<string>(wanted);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        while (list.Count < wanted)
        {
            var song = _songs[_rng.Next(_songs.Length)];
            if (!exclude.Contains(song) && taken.Add(song)) list.Add(song);
        }
        return list;
    }
}
