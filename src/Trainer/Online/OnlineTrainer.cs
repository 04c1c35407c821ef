using System.Diagnostics;
using KkboxNcf.Contracts;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Trainer.Online;

/// <summary>
/// The learning half of the Trainer, without Kafka: for each micro-batch of listens it registers new
/// members and songs (recycling the least recently seen row at a cap), scores every event with the
/// current model (prequential metrics), then trains on the events whose label is "known" (all of
/// them, or those LabelDelay events old), growing the tables as the vocabularies grow. Single-threaded:
/// metadata arrives through ApplyMetadata on the same thread.
/// </summary>
public sealed partial class OnlineTrainer : IDisposable
{
    readonly MetadataCatalog _catalog = new();
    readonly Queue<PendingListen> _pending = new();
    readonly LruRows _users;
    readonly LruRows _songs;

    OnlineTrainer(OnlineTrainerOptions options, FeatureSpace space, RecModel model, ModelFitter fitter,
        PrequentialMetrics metrics, LatencyHistogram latency, LruRows users, LruRows songs)
    {
        Options = options;
        Space = space;
        Model = model;
        Fitter = fitter;
        Metrics = metrics;
        Latency = latency;
        _users = users;
        _songs = songs;
    }

    /// <summary>A new model, its tables sized for a small start (they grow with the stream).</summary>
    public static OnlineTrainer Create(OnlineTrainerOptions options)
    {
        var space = new FeatureSpace();
        var model = ModelFactory.Create(InitialShape(options, space), options.Seed);
        return new OnlineTrainer(options, space, model, new ModelFitter(model, options.Training),
            new PrequentialMetrics(options.MetricsWindow), new LatencyHistogram(), new LruRows(), new LruRows());
    }

    /// <summary>Continues from a model trained offline (fresh optimizer state; its members and songs count as seen now).</summary>
    public static OnlineTrainer WarmStart(OnlineTrainerOptions options, ModelBundle bundle)
    {
        var users = new LruRows();
        var songs = new LruRows();
        for (int r = 1; r < bundle.Features[Field.User].Count; r++) users.Touch(r);
        for (int r = 1; r < bundle.Features[Field.Song].Count; r++) songs.Touch(r);
        if (users.Count > options.MaxUsers || songs.Count > options.MaxSongs)
            throw new ArgumentException($"the warm-start model has {users.Count} users and {songs.Count} songs, above the caps ({options.MaxUsers}, {options.MaxSongs})");
        var kind = bundle.Model.Kind;
        if (kind != options.Kind) throw new ArgumentException($"the warm-start model is {kind}, the Trainer is set to {options.Kind}");
        return new OnlineTrainer(options, bundle.Features, bundle.Model, new ModelFitter(bundle.Model, options.Training),
            new PrequentialMetrics(options.MetricsWindow), new LatencyHistogram(), users, songs);
    }

    /// <summary>
    /// Every field's embedding width is n_dim (the seed's min(n_dim, cardinality) needs the final
    /// cardinality, which a stream does not know in advance); tables start small and grow.
    /// </summary>
    static ModelShape InitialShape(OnlineTrainerOptions o, FeatureSpace space)
    {
        int[] card = FeatureLayout.Fields.Select(_ => o.NDim + 1).ToArray();
        int[] capacity = FeatureLayout.Fields.Select(f => f switch { Field.User => 1024, Field.Song => 4096, _ => 64 }).ToArray();
        return new ModelShape(o.Kind, o.NDim, card, capacity, o.NDim + 1, 64, 0.1);
    }

    public OnlineTrainerOptions Options { get; }
    public FeatureSpace Space { get; }
    public RecModel Model { get; }
    public ModelFitter Fitter { get; }
    public PrequentialMetrics Metrics { get; }
    public LatencyHistogram Latency { get; }

    /// <summary>Listens seen (the stream position the metrics are keyed by).</summary>
    public long Position { get; private set; }

    /// <summary>Listens trained on.</summary>
    public long Trained { get; private set; }

    /// <summary>Listens without a label (scored, never trained on).</summary>
    public long Unlabeled { get; private set; }

    public long RecycledUsers { get; private set; }
    public long RecycledSongs { get; private set; }

    public int Pending => _pending.Count;

    public MetadataCatalog Catalog => _catalog;

    public void ApplyMetadata(MetadataUpdate update) => _catalog.Apply(update, Space);

    /// <summary>Scores a micro-batch, then trains on what is ready. nowMs gives the wall clock for latencies.</summary>
    public BatchResult Process(IReadOnlyList<ListenRecorded> batch, Func<long>? nowMs = null)
    {
        nowMs ??= () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        var (recycledUsers, recycledSongs) = Register(batch);
        var encoded = Encode(batch);
        var scores = Model.Predict(encoded);
        int labeled = 0;
        var userColumn = encoded.Column(Field.User);
        for (int i = 0; i < batch.Count; i++)
        {
            if (!batch[i].HasLabel)
            {
                Unlabeled++;
                continue;
            }
            labeled++;
            Metrics.Add(scores[i], batch[i].Target == 1, userColumn[i]);
        }
        double scoreSeconds = clock.Elapsed.TotalSeconds;

        // Train on what is ready: with no delay the batch itself (already encoded), else the due part of the queue.
        clock.Restart();
        IReadOnlyList<ListenRecorded> ready;
        EncodedDataset train;
        long start = Position;
        Position += batch.Count;
        if (Options.LabelDelay == 0)
        {
            var positions = Enumerable.Range(0, batch.Count).Where(i => batch[i].HasLabel).ToArray();
            ready = positions.Select(i => batch[i]).ToArray();
            train = positions.Length == batch.Count ? encoded : encoded.Select(positions);
        }
        else
        {
            for (int i = 0; i < batch.Count; i++)
                if (batch[i].HasLabel) _pending.Enqueue(new PendingListen(start + i + 1, batch[i]));
            var due = new List<ListenRecorded>();
            while (_pending.Count > 0 && _pending.Peek().Position + Options.LabelDelay <= Position) due.Add(_pending.Dequeue().Listen);
            ready = due;
            // ids may have been recycled or metadata changed since they were scored: register and encode them now
            var (u, s) = Register(due);
            recycledUsers += u;
            recycledSongs += s;
            train = Encode(due);
        }
        double loss = double.NaN;
        if (train.Count > 0)
            for (int pass = 0; pass < Options.Passes; pass++) loss = Fitter.TrainMicroBatch(train);
        Trained += train.Count;
        long now = nowMs();
        var latencies = ready.Select(l => (double)(now - l.ProducedAtMs)).Order().ToArray();
        foreach (double ms in latencies) Latency.Add(ms);
        return new BatchResult(batch.Count, labeled, train.Count, _pending.Count, loss, recycledUsers, recycledSongs,
            latencies.Length == 0 ? double.NaN : latencies[latencies.Length / 2], latencies.Length == 0 ? double.NaN : latencies[^1],
            scoreSeconds, clock.Elapsed.TotalSeconds);
    }

    EncodedDataset Encode(IReadOnlyList<ListenRecorded> listens)
    {
        var rows = listens.Select(l => new KkboxNcf.Data.Listen(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target)).ToArray();
        var encoded = Space.Encode(rows, grow: true);
        Model.EnsureCapacity(Space, Options.GrowthHeadroom);
        return encoded;
    }

    /// <summary>Gives every member and song of the listens a row, recycling the least recently seen row of a full vocabulary.</summary>
    (int Users, int Songs) Register(IReadOnlyList<ListenRecorded> listens)
    {
        _users.NextRound();
        _songs.NextRound();
        int users = 0, songs = 0;
        foreach (var l in listens)
        {
            if (RegisterId(Field.User, l.Msno, _users, Options.MaxUsers)) users++;
            if (RegisterId(Field.Song, l.SongId, _songs, Options.MaxSongs)) songs++;
        }
        RecycledUsers += users;
        RecycledSongs += songs;
        return (users, songs);
    }

    /// <summary>Returns true when a row was recycled for the id.</summary>
    bool RegisterId(Field field, string id, LruRows lru, int cap)
    {
        var vocab = Space[field];
        if (vocab.Contains(id))
        {
            lru.Touch(vocab.Lookup(id));
            return false;
        }
        bool recycled = false;
        int row;
        if (vocab.Count - 1 < cap)
        {
            row = vocab.GetOrAdd(id);
        }
        else
        {
            row = lru.Oldest() ?? throw new InvalidOperationException(
                $"every one of the {cap} {FeatureLayout.Name(field)} rows is used by the current batch; raise the cap above the batch size");
            Space.Recycle(field, row, id);
            Model.EnsureCapacity(Space, Options.GrowthHeadroom);
            ModelRows.ResetToUnknown(Model, field, row);
            if (field == Field.User) Metrics.ForgetMember(row);
            recycled = true;
        }
        if (field == Field.User) _catalog.ApplyMember(Space, id);
        else _catalog.ApplySong(Space, id);
        lru.Touch(row);
        return recycled;
    }

    public void Dispose()
    {
        Fitter.Dispose();
        Model.Dispose();
    }
}
