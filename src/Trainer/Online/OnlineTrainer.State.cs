using KkboxNcf.Contracts;
using KkboxNcf.Model.Checkpoints;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Trainer.Online;

// Checkpoint state: everything Process depends on, so a restored trainer continues exactly.
public sealed partial class OnlineTrainer
{
    public const string OptimizerSection = "optimizer";
    public const string TrainerSection = "trainer";
    // v2: pending listens carry their recent songs, and the member history follows the latency histogram
    const string StateMagic = "kkboxncf-online-trainer-v2";
    const string StateMagicV1 = "kkboxncf-online-trainer-v1";

    /// <summary>The sections a checkpoint of this trainer holds (besides the manifest).</summary>
    public IEnumerable<CheckpointSection> Sections() =>
    [
        new(CheckpointFile.BundleSection, new ModelBundle(Space, Model).Save),
        new(OptimizerSection, WriteOptimizer),
        new(TrainerSection, WriteState),
    ];

    void WriteOptimizer(Stream stream)
    {
        Fitter.SaveOptimizerState(stream);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var state = Model.InitGeneratorState;
        w.Write(state.Length);
        w.Write(state);
    }

    void WriteState(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(StateMagic);
        w.Write(Position);
        w.Write(Trained);
        w.Write(Unlabeled);
        w.Write(RecycledUsers);
        w.Write(RecycledSongs);
        w.Write(_pending.Count);
        foreach (var p in _pending)
        {
            w.Write(p.Position);
            var bytes = Messages.Encode(p.Listen);
            w.Write(bytes.Length);
            w.Write(bytes);
            foreach (long song in p.History) w.Write(song);
        }
        _users.Write(w);
        _songs.Write(w);
        Metrics.Write(w);
        Latency.Write(w);
        _history.Write(w);
    }

    /// <summary>
    /// A trainer in the state a checkpoint saved (options give the learning settings; the model
    /// kind and shape come from the checkpoint). Throws CheckpointCorruptException when a section
    /// does not parse; nothing half-restored escapes.
    /// </summary>
    public static OnlineTrainer Restore(OnlineTrainerOptions options, CheckpointContents contents)
    {
        var bundle = contents.Parse(CheckpointFile.BundleSection, ModelBundle.Load);
        try
        {
            if (bundle.Model.Kind != options.Kind)
                throw new CheckpointCorruptException(contents.Path, $"holds a {bundle.Model.Kind} model, the Trainer is set to {options.Kind}");
            var fitter = new ModelFitter(bundle.Model, options.Training);
            contents.Parse(OptimizerSection, s =>
            {
                fitter.LoadOptimizerState(s);
                using var r = new BinaryReader(s, System.Text.Encoding.UTF8, leaveOpen: true);
                bundle.Model.InitGeneratorState = r.ReadBytes(r.ReadInt32());
                return true;
            });
            return contents.Parse(TrainerSection, s =>
            {
                using var r = new BinaryReader(s, System.Text.Encoding.UTF8, leaveOpen: true);
                string magic = r.ReadString();
                if (magic == StateMagicV1) throw new InvalidDataException("an online trainer state from before the listen head's member history; start the Trainer from a fresh checkpoint directory");
                if (magic != StateMagic) throw new InvalidDataException("not an online trainer state");
                int length = bundle.Model is IListenModel head ? head.HistoryLength : 0;
                long position = r.ReadInt64(), trained = r.ReadInt64(), unlabeled = r.ReadInt64(), ru = r.ReadInt64(), rs = r.ReadInt64();
                int pending = r.ReadInt32();
                var queue = new List<PendingListen>(pending);
                for (int i = 0; i < pending; i++)
                {
                    long at = r.ReadInt64();
                    var listen = Messages.Decode<ListenRecorded>(r.ReadBytes(r.ReadInt32()));
                    var recent = new long[length];
                    for (int j = 0; j < length; j++) recent[j] = r.ReadInt64();
                    queue.Add(new PendingListen(at, listen, recent));
                }
                var users = LruRows.Read(r);
                var songs = LruRows.Read(r);
                var metrics = PrequentialMetrics.Read(r);
                var latency = LatencyHistogram.Read(r);
                var history = MemberHistory.Read(r);
                var trainer = new OnlineTrainer(options, bundle.Features, bundle.Model, fitter, metrics, latency, users, songs, history)
                {
                    Position = position,
                    Trained = trained,
                    Unlabeled = unlabeled,
                    RecycledUsers = ru,
                    RecycledSongs = rs,
                };
                foreach (var p in queue) trainer._pending.Enqueue(p);
                return trainer;
            });
        }
        catch
        {
            bundle.Model.Dispose();
            throw;
        }
    }
}
