using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Model.Lists;
using KkboxNcf.Model.Models;
using KkboxNcf.Scorer;
using KkboxNcf.Trainer;
using KkboxNcf.Trainer.Online;
using TorchSharp;

namespace KkboxNcf.Cli.Lists;

/// <summary>
/// The served pipeline's lists without Kafka or Redis: the Trainer's OnlineTrainer learns the train
/// listens in stream order, in the Trainer's micro-batches and with its default options (metadata
/// records applied first, as its metadata reader catches up before the listens), and the Scorer's
/// ScoringModel + ListScorer rank from the trained model (ScorerRecommender).
/// </summary>
public sealed class ServedModelRecommender : IListRecommender, IDisposable
{
    readonly IReadOnlyList<MetadataUpdate> _metadata;
    readonly TrainerSettings _trainer;
    ScorerRecommender _scorer;
    ScorerSettings? _scorerSettings;
    OnlineTrainer? _online;
    IReadOnlyList<Listen>? _trainedOn;
    ModelBundle? _trained;

    public ServedModelRecommender(IReadOnlyList<MetadataUpdate> metadata, TrainerSettings? trainer = null, ScorerSettings? scorer = null)
    {
        _metadata = metadata;
        _trainer = trainer ?? new TrainerSettings();
        _scorerSettings = scorer;
        _scorer = new ScorerRecommender(Name, Train, scorer);
    }

    /// <summary>
    /// The Scorer's settings; setting them keeps the trained model, so the next Fit on the same train
    /// listens (the same list) ranks anew without learning again (the weights chosen on validation).
    /// </summary>
    public ScorerSettings? Scorer
    {
        get => _scorerSettings;
        set
        {
            _scorer.Dispose();
            _scorerSettings = value;
            _scorer = new ScorerRecommender(Name, Train, value);
        }
    }

    public string Name => "served model (Trainer + Scorer)";

    /// <summary>Online AUC of the Trainer's prequential metrics over the train listens.</summary>
    public double OnlineAuc => _online?.Metrics.Cumulative.Auc ?? double.NaN;

    public void Fit(IReadOnlyList<Listen> train) => _scorer.Fit(train);

    ModelBundle Train(IReadOnlyList<Listen> train)
    {
        if (_trained is not null && ReferenceEquals(train, _trainedOn)) return _trained;
        _online?.Dispose();
        if (_trainer.TorchThreads > 0) torch.set_num_threads(_trainer.TorchThreads);
        var online = _online = OnlineTrainer.Create(_trainer.Online);
        foreach (var update in _metadata) online.ApplyMetadata(update);
        foreach (var chunk in train.Chunk(_trainer.BatchSize))
            online.Process(chunk.Select(l => new ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0)).ToArray(), () => 0);
        _trainedOn = train;
        return _trained = new ModelBundle(online.Space, online.Model);
    }

    public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude) =>
        _scorer.Recommend(member, context, k, exclude);

    public IReadOnlyList<IReadOnlyList<string>> RecommendAll(IReadOnlyList<ListRequest> requests, int k) => _scorer.RecommendAll(requests, k);

    /// <summary>The metadata records of a KKBOX folder as the Trainer reads them from its topics.</summary>
    public static List<MetadataUpdate> ReadMetadata(string dir, CancellationToken ct)
    {
        var report = new ReadReport();
        var updates = new List<MetadataUpdate>();
        string Path(string name) => System.IO.Path.Combine(dir, name);
        if (File.Exists(Path("members.csv")))
            updates.AddRange(KkboxReader.ReadMembers(Path("members.csv"), report, ct).Select(m =>
                new MetadataUpdate.OfMember(new MemberUpdated(m.Msno, m.City, m.Bd, m.Gender, m.RegisteredVia, m.RegistrationInitTime, m.ExpirationDate))));
        if (File.Exists(Path("songs.csv")))
            updates.AddRange(KkboxReader.ReadSongs(Path("songs.csv"), report, ct).Select(s =>
                new MetadataUpdate.OfSong(new SongUpdated(s.SongId, s.SongLengthMs, s.Genres, s.Artists, s.Composers, s.Lyricists, s.Language))));
        if (File.Exists(Path("song_extra_info.csv")))
            updates.AddRange(KkboxReader.ReadSongExtras(Path("song_extra_info.csv"), report, ct).Select(e =>
                new MetadataUpdate.OfSongExtra(new SongExtraUpdated(e.SongId, e.Name, e.Isrc))));
        return updates;
    }

    public void Dispose()
    {
        _scorer.Dispose();
        _online?.Dispose();
    }
}
