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
/// them, or those LabelDelay events old), growing the tables as the vocabularies grow.
/// A batch goes through Prepare (feature space only), Score (model), Train (model, optimizer) and
/// Record (metrics only). Not thread-safe, with one allowed overlap: while Train works on a batch,
/// another thread may Record the batch before it and ApplyMetadata and Prepare the next, because Train
/// reads nothing they write. Calling them in the same order gives the same model whether they overlap or not.
/// </summary>
public sealed partial class OnlineTrainer : IDisposable
{
    readonly MetadataCatalog _catalog = new();
    readonly Queue<PendingListen> _pending = new();
    readonly LruRows _users;
    readonly LruRows _songs;
    readonly MemberHistory _history;

    OnlineTrainer(OnlineTrainerOptions options, FeatureSpace space, RecModel model, ModelFitter fitter,
        PrequentialMetrics metrics, LatencyHistogram latency, LruRows users, LruRows songs, MemberHistory? history = null)
    {
        _history = history ?? new MemberHistory(model is IListenModel listen ? listen.HistoryLength : 0);
        if (_history.Length != (model is IListenModel l ? l.HistoryLength : 0))
            throw new ArgumentException($"the member history keeps {_history.Length} songs, the model's listen head {(model as IListenModel)?.HistoryLength ?? 0}");
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
        return new ModelShape(o.Kind, o.NDim, card, capacity, o.NDim + 1, 64, 0.1, o.Kind == ModelKind.Ncf ? o.ListenDim : 0, o.HistoryLength);
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

    /// <summary>Prepare, Score, Train and Record in turn: scores a micro-batch, then trains on what is ready. nowMs gives the wall clock for latencies.</summary>
    public BatchResult Process(IReadOnlyList<ListenRecorded> batch, Func<long>? nowMs = null)
    {
        var scored = Score(Prepare(batch));
        var result = Train(scored, nowMs);
        Record(scored);
        return result;
    }

    /// <summary>
    /// The first stage of a micro-batch: gives its new members and songs rows (recycling at the caps)
    /// and encodes it. It touches only the feature space, the metadata catalog and the recency lists,
    /// never the model or the metrics, so the Trainer runs it for the next batch while Train works on
    /// the current one (as ApplyMetadata). What the model must do for the new rows (grow its tables,
    /// reset recycled rows) waits for Score.
    /// </summary>
    public PreparedBatch Prepare(IReadOnlyList<ListenRecorded> batch)
    {
        var clock = Stopwatch.StartNew();
        var recycled = new List<(Field, int)>();
        Register(batch, recycled);
        var encoded = Space.Encode(ToListens(batch), grow: true);
        return new PreparedBatch(batch, encoded, recycled, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The second stage, on the training thread: brings the model up to the feature space (table growth,
    /// recycled rows reset), scores every event with the model trained on everything before it (for the
    /// prequential metrics, see Record; a one-step batch is scored by its training step instead),
    /// advances the stream position and picks what is ready to train on.
    /// </summary>
    public ScoredBatch Score(PreparedBatch prepared)
    {
        var clock = Stopwatch.StartNew();
        var batch = prepared.Listens;
        var encoded = prepared.Encoded;
        ApplyToModel(prepared.Recycled);
        int labeled = batch.Count(l => l.HasLabel);
        Unlabeled += batch.Count - labeled;
        // A batch of one optimizer step that trains on all of itself is scored by that step's forward pass
        // (Train fills the scores): the same model, the same inputs, no dropout in any model, so the same
        // probabilities as a separate evaluation forward, at no cost.
        bool inTraining = Options.ScoreInTrainingStep && Options.LabelDelay == 0 && labeled == batch.Count && batch.Count <= Options.StepBatchSize;
        var scores = inTraining ? new float[batch.Count] : Model.Predict(encoded);

        // What is ready: with no delay the batch itself (already encoded), else the due part of the queue.
        IReadOnlyList<ListenRecorded> ready;
        EncodedDataset train;
        int recycledSongs = prepared.RecycledSongs;
        int[] forgetAfter = [];
        long start = Position;
        Position += batch.Count;
        var recent = RecentSongs(encoded);
        int length = _history.Length;
        long[] history;
        if (Options.LabelDelay == 0)
        {
            var positions = Enumerable.Range(0, batch.Count).Where(i => batch[i].HasLabel).ToArray();
            ready = positions.Select(i => batch[i]).ToArray();
            train = positions.Length == batch.Count ? encoded : encoded.Select(positions);
            history = positions.Length == batch.Count ? recent : positions.SelectMany(i => recent.AsSpan(i * length, length).ToArray()).ToArray();
        }
        else
        {
            for (int i = 0; i < batch.Count; i++)
                if (batch[i].HasLabel) _pending.Enqueue(new PendingListen(start + i + 1, batch[i], recent.AsSpan(i * length, length).ToArray()));
            var due = new List<ListenRecorded>();
            var dueHistory = new List<long>();
            while (_pending.Count > 0 && _pending.Peek().Position + Options.LabelDelay <= Position)
            {
                var p = _pending.Dequeue();
                due.Add(p.Listen);
                dueHistory.AddRange(p.History);
            }
            ready = due;
            history = dueHistory.ToArray();
            // ids may have been recycled or metadata changed since they were scored: register and encode them now
            var recycled = new List<(Field, int)>();
            Register(due, recycled);
            train = Space.Encode(ToListens(due), grow: true);
            ApplyToModel(recycled);
            recycledSongs += recycled.Count(r => r.Item1 == Field.Song);
            forgetAfter = RecycledMembers(recycled);
        }
        return new ScoredBatch(batch.Count, labeled, scores, inTraining, encoded.Column(Field.User), batch, ready, train, history, recycledSongs,
            RecycledMembers(prepared.Recycled), forgetAfter, prepared.Seconds, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Each event's member's recent songs before it (row-major [events x length]), in stream order, and
    /// the events' songs added to the history: what the listen head sees for each of them.
    /// </summary>
    long[] RecentSongs(EncodedDataset encoded)
    {
        int length = _history.Length;
        if (length == 0) return [];
        var users = encoded.Column(Field.User);
        var songs = encoded.Column(Field.Song);
        var result = new long[encoded.Count * length];
        for (int i = 0; i < encoded.Count; i++)
        {
            _history.CopyTo(users[i], result.AsSpan(i * length, length));
            _history.Add(users[i], songs[i]);
        }
        return result;
    }

    /// <summary>Members whose recent songs the listen head knows.</summary>
    public int MembersWithHistory => _history.Members;

    /// <summary>The member's recent song rows, most recent first, 0-padded (the listen head's input for them now).</summary>
    public long[] RecentSongsOf(int userRow)
    {
        var result = new long[_history.Length];
        _history.CopyTo(userRow, result);
        return result;
    }

    static int[] RecycledMembers(IReadOnlyList<(Field Field, int Row)> recycled) =>
        recycled.Where(r => r.Field == Field.User).Select(r => r.Row).ToArray();

    /// <summary>
    /// Adds a scored batch's labeled events to the online metrics, in stream order, once the batch was
    /// trained (a batch scored in its training step has its scores only then). Touches only the metrics,
    /// so it may run beside the next batch's Train.
    /// </summary>
    public void Record(ScoredBatch scored)
    {
        // a recycled row's per-member AUC starts over: rows recycled for this batch before its events count,
        // rows recycled for the label-delay queue after them
        foreach (int row in scored.MembersRecycledBefore) Metrics.ForgetMember(row);
        var batch = scored.Listens;
        for (int i = 0; i < batch.Count; i++)
            if (batch[i].HasLabel) Metrics.Add(scored.Scores[i], batch[i].Target == 1, scored.Users[i]);
        foreach (int row in scored.MembersRecycledAfter) Metrics.ForgetMember(row);
    }

    /// <summary>The last stage: the optimizer steps on what Score found ready. Touches only the model, the optimizer and the latency histogram.</summary>
    public BatchResult Train(ScoredBatch scored, Func<long>? nowMs = null)
    {
        nowMs ??= () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clock = Stopwatch.StartNew();
        var train = scored.Train;
        double loss = double.NaN;
        if (train.Count > 0)
            for (int pass = 0; pass < Options.Passes; pass++) loss = Fitter.TrainMicroBatch(train, pass == 0 && scored.ScoredInTraining ? scored.Scores : null, scored.History.Length == 0 ? null : scored.History);
        Trained += train.Count;
        long now = nowMs();
        var latencies = scored.Ready.Select(l => (double)(now - l.ProducedAtMs)).Order().ToArray();
        foreach (double ms in latencies) Latency.Add(ms);
        return new BatchResult(scored.Events, scored.Labeled, train.Count, _pending.Count, loss, scored.RecycledUsers, scored.RecycledSongs,
            latencies.Length == 0 ? double.NaN : latencies[latencies.Length / 2], latencies.Length == 0 ? double.NaN : latencies[^1],
            scored.PrepareSeconds, scored.ScoreSeconds, clock.Elapsed.TotalSeconds);
    }

    static KkboxNcf.Data.Listen[] ToListens(IReadOnlyList<ListenRecorded> listens) =>
        listens.Select(l => new KkboxNcf.Data.Listen(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target)).ToArray();

    /// <summary>Grows the tables to the feature space, then makes each recycled row start as its field's unknown row.</summary>
    void ApplyToModel(IReadOnlyList<(Field Field, int Row)> recycled)
    {
        Model.EnsureCapacity(Space, Options.GrowthHeadroom);
        foreach (var (field, row) in recycled)
        {
            ModelRows.ResetToUnknown(Model, field, row);
            if (field == Field.Song) Fitter.Frequency.Forget(row);
            else if (field == Field.User) _history.Forget(row);
        }
    }

    /// <summary>
    /// Gives every member and song of the listens a row, recycling the least recently seen row of a
    /// full vocabulary; the recycled rows are added to recycled (the model is reset by ApplyToModel).
    /// </summary>
    void Register(IReadOnlyList<ListenRecorded> listens, List<(Field, int)> recycled)
    {
        _users.NextRound();
        _songs.NextRound();
        foreach (var l in listens)
        {
            RegisterId(Field.User, l.Msno, _users, Options.MaxUsers, recycled);
            RegisterId(Field.Song, l.SongId, _songs, Options.MaxSongs, recycled);
        }
    }

    void RegisterId(Field field, string id, LruRows lru, int cap, List<(Field, int)> recycled)
    {
        var vocab = Space[field];
        if (vocab.Contains(id))
        {
            lru.Touch(vocab.Lookup(id));
            return;
        }
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
            recycled.Add((field, row));
            if (field == Field.User) RecycledUsers++;
            else RecycledSongs++;
        }
        if (field == Field.User) _catalog.ApplyMember(Space, id);
        else _catalog.ApplySong(Space, id);
        lru.Touch(row);
    }

    public void Dispose()
    {
        Fitter.Dispose();
        Model.Dispose();
    }
}
