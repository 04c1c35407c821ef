using KkboxNcf.Data;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Lists;
using KkboxNcf.Model.Models;

namespace KkboxNcf.Cli.Lists;

/// <summary>
/// Lists from a model that has no dot-product part to retrieve with (mlp): it re-ranks a pool, the
/// PoolSize songs played most in the train listens, by its score of (member, song, listen context).
/// Its lists can hold no song outside that pool, which caps its coverage and recall. The caller
/// keeps owning the model.
/// </summary>
public sealed class PoolRecommender(string name, ModelBundle bundle, int poolSize = 250) : IListRecommender
{
    string[] _pool = [];

    public string Name => $"{name} (re-ranks the {poolSize} most played)";

    public void Fit(IReadOnlyList<Listen> train) =>
        _pool = SongRanking.ByCount(SongRanking.Count(train.Select(l => l.SongId))).Take(poolSize).ToArray();

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude)
    {
        var space = bundle.Features;
        var songs = _pool.Where(s => !exclude.Contains(s)).ToArray();
        if (songs.Length == 0) return [];
        int user = space[Field.User].Contains(member) ? space[Field.User].Lookup(member) : Vocabulary.UnknownRow;
        var rows = songs.Select(s => space[Field.Song].Contains(s) ? space[Field.Song].Lookup(s) : Vocabulary.UnknownRow).ToArray();
        var scores = bundle.Model.Predict(space.EncodeCandidates(user, rows, context.Tab, context.Screen, context.Type));
        return Enumerable.Range(0, songs.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k).Select(i => songs[i]).ToArray();
    }
}
