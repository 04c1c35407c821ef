using KkboxNcf.Data;
using KkboxNcf.Model.Lists;
using KkboxNcf.Model.Models;
using KkboxNcf.Scorer;
using KkboxNcf.Scorer.Members;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Cli.Lists;

/// <summary>
/// Lists as the Scorer writes them: a model (ncf or mf) loaded into a ScoringModel and ranked by
/// ListScorer with heard songs left out, with the popular and rising songs of the listens read (the
/// Scorer's SongTrends) as extra candidates and each member's recent songs (the Scorer's MemberActivity)
/// for the listen head, and the Scorer's other counts (ListenCounts) and co-listen neighbours for the stream
/// terms of the final score, every other option at the Scorer's defaults. fit gives the
/// model trained on the train listens; the caller keeps owning it. Songs the model knows from metadata
/// only (never in a train listen) are outside the protocol's catalogue and dropped from its lists.
/// </summary>
public sealed class ScorerRecommender(string name, Func<IReadOnlyList<Listen>, ModelBundle> fit, ScorerSettings? settings = null)
    : IListRecommender, IDisposable
{
    /// <summary>Members ranked per ListScorer call (the Scorer's fresh path batches up to FreshBatchMembers).</summary>
    const int Batch = 1024;

    readonly ScorerSettings _settings = settings ?? new ScorerSettings { ExcludeHeard = true };
    ScoringModel? _model;
    IReadOnlyList<string> _extras = [];
    HashSet<string> _catalogue = new(StringComparer.Ordinal);
    StreamSignals _signals = StreamSignals.None;
    MemberActivity _activity = new();

    public string Name => name;

    public void Fit(IReadOnlyList<Listen> train)
    {
        var bundle = fit(train);
        // the Scorer's counts of the train listens, as its consumer keeps them from the stream
        var counts = new ListenCounts(_settings.RisingHalfLifeListens, _settings.CoListenHistory);
        foreach (var l in train)
            counts.Record(new KkboxNcf.Contracts.ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0), 0);
        _activity = counts.Activity;
        // the co-listen neighbours as the Scorer builds them from its members' recent songs
        bool coListen = _settings.CoListenWeight > 0 || _settings.CoListenCandidates > 0;
        _signals = counts.Signals(coListen ? ItemNeighbours.Build(counts.Histories(), _settings.Neighbours) : null);
        _extras = [.. counts.Trends.Popular(_settings.PopularCandidates), .. counts.Trends.Rising(_settings.RisingCandidates)];
        _catalogue = train.Select(l => l.SongId).ToHashSet(StringComparer.Ordinal);
        _model?.Dispose();
        _model = new ScoringModel(1, bundle, ownsModel: false);
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude) =>
        RecommendAll([new ListRequest(member, context, exclude)], k)[0];

    public IReadOnlyList<IReadOnlyList<string>> RecommendAll(IReadOnlyList<ListRequest> requests, int k)
    {
        var model = _model ?? throw new InvalidOperationException($"{name}: Fit first");
        var scorer = new ListScorer(_settings.Scoring with { K = k, ExcludeHeard = true });
        var lists = new IReadOnlyList<string>[requests.Count];
        for (int start = 0; start < requests.Count; start += Batch)
        {
            var block = requests.Skip(start).Take(Batch)
                .Select(r => new MemberToScore(r.Member, new ListeningContext(r.Context.Tab, r.Context.Screen, r.Context.Type), r.Exclude, 0) { Recent = _activity.Recent(r.Member) }).ToList();
            var scored = scorer.Score(model, block, _extras, nowMs: 0, usualOnly: true, signals: _signals);
            for (int i = 0; i < block.Count; i++)
                lists[start + i] = scored[i].Items.Select(s => s.SongId).Where(_catalogue.Contains).ToArray();
        }
        return lists;
    }

    public void Dispose() => _model?.Dispose();
}
