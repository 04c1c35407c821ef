using System.Diagnostics;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>
/// Trains a RecModel with binary cross entropy: one micro-batch at a time (the streaming Trainer)
/// or epochs with early stopping on the validation loss or AUC (offline). Row-sparse mode trains the
/// embedding tables with LazyAdam and the layers with dense Adam; otherwise dense Adam over all.
/// </summary>
public sealed class ModelFitter : IDisposable
{
    readonly RecModel _model;
    readonly DenseAdam _dense;
    readonly LazyAdam? _lazy;
    readonly Generator _shuffle;
    readonly Generator _dropout;
    // held for the fitter's life: a temporary Scalar can be collected by another thread while libtorch reads it (HeldScalars)
    readonly Scalar _listenWeight, _idDropout, _embeddingL2;

    public ModelFitter(RecModel model, TrainingConfig config)
    {
        config.Validate();
        _model = model;
        Config = config;
        var denseParameters = config.RowSparse ? model.DenseParameters() : model.parameters();
        _dense = new DenseAdam(denseParameters, config.LearningRate, config.Beta1, config.Beta2, config.Eps);
        if (config.RowSparse)
            _lazy = new LazyAdam(model.Tables, config.LearningRate, config.Beta1, config.Beta2, config.Eps);
        else
            foreach (var table in model.Tables) table.RowSparse = false;
        _shuffle = new Generator((ulong)config.Seed);
        // its own stream, so switching id dropout on leaves the shuffle order as it was
        _dropout = new Generator((ulong)config.Seed + 1);
        _listenWeight = config.ListenWeight.ToScalar();
        _idDropout = config.IdDropout.ToScalar();
        _embeddingL2 = config.EmbeddingL2.ToScalar();
        if (config.Bf16Mlp && !CpuFeatures.HasAvx512Bf16)
            throw new ArgumentException("bf16 MLP products need a CPU with AVX512_BF16; without it they are emulated and slower");
        model.MlpPrecision = config.Bf16Mlp ? ScalarType.BFloat16 : ScalarType.Float32;
        model.train();
    }

    public TrainingConfig Config { get; }

    /// <summary>Whether each step also trains the listen head (a model with one, and ListenWeight > 0).</summary>
    public bool LearnsListens => _model is IListenModel { ListenDim: > 0 } && Config.ListenWeight > 0;

    /// <summary>The listen head's sampling-frequency estimate (kept in the optimizer state).</summary>
    public SongFrequency Frequency { get; } = new();

    public RecModel Model => _model;

    public long ExamplesSeen { get; private set; }

    /// <summary>
    /// One optimizer step on a batch: x int64 [B, Columns], y float [B] of 0/1. Returns the mean loss.
    /// With probabilities, each example's probability under the model before this step's update (the
    /// evaluation forward, on the ids as given) is also written there, from offset.
    /// </summary>
    public float TrainStep(Tensor x, Tensor y, float[]? probabilities = null, int offset = 0, Tensor? history = null)
    {
        using var scope = torch.NewDisposeScope();
        try
        {
            _model.train();
            _dense.ZeroGrad();
            var input = Config.IdDropout > 0 ? DropIds(x) : x;
            Tensor logits, loss;
            if (LearnsListens)
            {
                var (replay, listen) = ((IListenModel)_model).ForwardWithListen(input, history);
                logits = replay;
                // the frequencies and the masks are of the songs and members as they are, not as dropped
                var songs = x.select(1, 1);
                var logGap = Frequency.Step(songs.data<long>().ToArray());
                var listenLoss = ListenLoss.Compute(listen, x.select(1, 0), songs, logGap);
                loss = nn.functional.binary_cross_entropy_with_logits(logits, y).Plus(listenLoss.mul(_listenWeight));
            }
            else
            {
                logits = _model.forward(input);
                loss = nn.functional.binary_cross_entropy_with_logits(logits, y);
            }
            if (probabilities is not null)
            {
                // with id dropout the training forward saw altered ids: score the examples as they are
                var p = Config.IdDropout > 0 ? _model.Predict(x) : logits.detach().sigmoid();
                using (torch.no_grad()) p.data<float>().CopyTo(probabilities, offset);
            }
            loss.backward();
            if (Config.EmbeddingL2 > 0) AddEmbeddingL2();
            _dense.Step();
            _lazy?.Step();
            ExamplesSeen += x.shape[0];
            return loss.item<float>();
        }
        finally
        {
            // rows gathered by a forward that failed die with this scope: never update from them later
            _lazy?.Discard();
        }
    }

    /// <summary>x with its member and song columns each set to the unknown row with probability IdDropout.</summary>
    Tensor DropIds(Tensor x)
    {
        using var _ = torch.no_grad();
        var drop = torch.rand([x.shape[0], 2], generator: _dropout).lt(_idDropout);
        var ids = x.narrow(1, 0, 2).masked_fill(drop, HeldScalars.Zero); // the unknown row is 0
        return torch.cat([ids, x.narrow(1, 2, x.shape[1] - 2)], 1);
    }

    /// <summary>Adds EmbeddingL2 x row to the gradient of every embedding row this step touched (all rows in dense mode).</summary>
    void AddEmbeddingL2()
    {
        using var _ = torch.no_grad();
        foreach (var table in _model.Tables)
        {
            if (_lazy is null)
            {
                table.Weight.grad?.add_(table.Weight, alpha: _embeddingL2);
                continue;
            }
            foreach (var touched in table.Touched) touched.Values.grad?.add_(touched.Values.detach(), alpha: _embeddingL2);
        }
    }

    /// <summary>
    /// Trains on a micro-batch of encoded examples in steps of BatchSize (in the given order; the
    /// streaming Trainer's data arrives in time order). Examples without a label (-1) are refused.
    /// Returns the mean loss. With probabilities, each example's probability from the forward pass of
    /// its step (the model trained on everything before that step) is written there. history: the
    /// listen head's recent songs of each example, row-major [Count x HistoryLength] (null: none).
    /// </summary>
    public double TrainMicroBatch(EncodedDataset data, float[]? probabilities = null, long[]? history = null)
    {
        if (data.Labels.Any(l => l is not (0f or 1f)))
            throw new ArgumentException("every training example needs a label of 0 or 1", nameof(data));
        int length = _model is IListenModel listen ? listen.HistoryLength : 0;
        if (history is not null && history.Length != (long)data.Count * length)
            throw new ArgumentException($"history holds {history.Length} song rows, expected {data.Count} x {length}", nameof(history));
        using var scope = torch.NewDisposeScope();
        var (features, labels) = data.ToTensors();
        var recent = history is null || length == 0 ? null : torch.tensor(history, [data.Count, length]);
        double sum = 0;
        for (int start = 0; start < data.Count; start += Config.BatchSize)
        {
            int n = Math.Min(Config.BatchSize, data.Count - start);
            sum += TrainStep(features.narrow(0, start, n).to(int64), labels.narrow(0, start, n), probabilities, start, recent?.narrow(0, start, n)) * n;
        }
        return data.Count == 0 ? 0 : sum / data.Count;
    }

    /// <summary>
    /// Epochs over train (shuffled with the seeded generator), each followed by the validation log
    /// loss and AUC; stops after Patience epochs without improvement (of the AUC when StopOnAuc, else
    /// of the loss) and restores the best epoch's weights.
    /// </summary>
    public IReadOnlyList<EpochResult> Fit(EncodedDataset train, EncodedDataset valid, Action<TrainingProgress>? progress = null,
        CancellationToken ct = default)
    {
        var results = new List<EpochResult>();
        Dictionary<string, Tensor>? best = null;
        double bestLoss = double.PositiveInfinity;
        int sinceBest = 0;
        var (features, labels) = train.ToTensors();
        using var f = features;
        using var l = labels;
        long n = train.Count;
        long perEpoch = n;
        try
        {
            for (int epoch = 1; epoch <= Config.MaxEpochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                long done = 0;
                using (var order = torch.randperm(n, generator: _shuffle))
                {
                    long nextReport = 0;
                    for (long start = 0; start < perEpoch; start += Config.BatchSize)
                    {
                        ct.ThrowIfCancellationRequested();
                        long count = Math.Min(Config.BatchSize, perEpoch - start);
                        float loss;
                        using (var scope = torch.NewDisposeScope())
                        {
                            var idx = order.narrow(0, start, count);
                            loss = TrainStep(f.index_select(0, idx).to(int64), l.index_select(0, idx));
                        }
                        lossSum += loss * count;
                        done += count;
                        if (progress is not null && (done >= nextReport || done == perEpoch))
                        {
                            progress(new TrainingProgress(_model.Kind.ToString().ToLowerInvariant(), epoch, Config.MaxEpochs, done, perEpoch,
                                lossSum / done, done / clock.Elapsed.TotalSeconds));
                            nextReport = done + Math.Max(perEpoch / 100, Config.BatchSize);
                        }
                    }
                }
                double seconds = clock.Elapsed.TotalSeconds;
                double validLoss = lossSum / Math.Max(1, done), validAuc = double.NaN;
                if (valid.Count > 0)
                {
                    var p = _model.Predict(valid);
                    validLoss = Metric.LogLoss(p, valid.Labels);
                    validAuc = Metric.RocAuc(p, valid.Labels);
                }
                // lower is better: the loss, or minus the AUC (a validation set of one class has no AUC: fall back to the loss)
                double criterion = Config.StopOnAuc && !double.IsNaN(validAuc) ? -validAuc : validLoss;
                bool improved = criterion < bestLoss;
                results.Add(new EpochResult(epoch, lossSum / Math.Max(1, done), validLoss, seconds, done / seconds, improved, validAuc));
                if (improved)
                {
                    bestLoss = criterion;
                    sinceBest = 0;
                    DisposeAll(best);
                    best = Snapshot();
                }
                else if (++sinceBest >= Math.Max(1, Config.Patience))
                {
                    break;
                }
            }
        }
        finally
        {
            if (best is not null) Restore(best);
            DisposeAll(best);
        }
        return results;
    }

    /// <summary>
    /// Writes what the optimizers know besides the weights (dense Adam's state, LazyAdam's step count
    /// and the tables' moments), so a restored fitter continues exactly where this one stopped.
    /// </summary>
    public void SaveOptimizerState(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(OptimizerStateMagic);
        w.Write(ExamplesSeen);
        Frequency.Save(w);
        _dense.Save(w);
        w.Write(_lazy is not null);
        if (_lazy is null) return;
        w.Write(_lazy.StepCount);
        foreach (var table in _model.Tables)
        {
            var (m, v) = table.Moments;
            TensorFile.Write(w, m);
            TensorFile.Write(w, v);
        }
    }

    /// <summary>Restores SaveOptimizerState's output into a fitter of the same model shape and configuration.</summary>
    public void LoadOptimizerState(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        string magic = r.ReadString();
        if (magic is not (OptimizerStateMagic or OptimizerStateMagicV2 or OptimizerStateMagicV1)) throw new InvalidDataException("not a KkboxNcf optimizer state");
        ExamplesSeen = r.ReadInt64();
        if (magic == OptimizerStateMagic) Frequency.Load(r);
        if (magic == OptimizerStateMagicV1) _dense.LoadTorchSharpAdam(r);
        else _dense.Load(r);
        bool lazy = r.ReadBoolean();
        if (lazy != (_lazy is not null)) throw new InvalidDataException($"optimizer state is {(lazy ? "" : "not ")}row-sparse, this fitter is the other");
        if (_lazy is null) return;
        _lazy.RestoreStepCount(r.ReadInt64());
        using var _ = torch.no_grad();
        foreach (var table in _model.Tables)
        {
            var (m, v) = table.Moments;
            TensorFile.ReadInto(r, m);
            TensorFile.ReadInto(r, v);
        }
    }

    // v3: the listen head's song frequencies after the example count; v2: the dense part is DenseAdam's
    // state (v1 held TorchSharp's optim.Adam state)
    const string OptimizerStateMagic = "kkboxncf-optimizer-v3";
    const string OptimizerStateMagicV2 = "kkboxncf-optimizer-v2";
    /// <summary>The optimizer section of checkpoints written before DenseAdam (still read).</summary>
    public const string OptimizerStateMagicV1 = "kkboxncf-optimizer-v1";

    Dictionary<string, Tensor> Snapshot()
    {
        using var _ = torch.no_grad();
        return _model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
    }

    void Restore(Dictionary<string, Tensor> state)
    {
        using var _ = torch.no_grad();
        foreach (var (name, p) in _model.named_parameters())
            if (state.TryGetValue(name, out var saved) && saved.shape.SequenceEqual(p.shape)) p.copy_(saved);
    }

    static void DisposeAll(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }

    public void Dispose()
    {
        // the model outlives its trainer: its forwards must stop recording rows for an optimizer that is gone
        foreach (var table in _model.Tables) table.RowSparse = false;
        _dense.Dispose();
        _shuffle.Dispose();
        _dropout.Dispose();
        _listenWeight.Dispose();
        _idDropout.Dispose();
        _embeddingL2.Dispose();
    }
}
