using KkboxNcf.Contracts;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Trainer.Online;

/// <summary>A micro-batch after OnlineTrainer.Prepare: its ids have rows, it is encoded, and the rows it recycled await their reset in Score.</summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IReadOnlyList<ListenRecorded> listens, EncodedDataset encoded, IReadOnlyList<(Field Field, int Row)> recycled, double seconds)
    {
        Listens = listens;
        Encoded = encoded;
        Recycled = recycled;
        Seconds = seconds;
    }

    public IReadOnlyList<ListenRecorded> Listens { get; }
    internal EncodedDataset Encoded { get; }
    internal IReadOnlyList<(Field Field, int Row)> Recycled { get; }
    public int RecycledSongs => Recycled.Count(r => r.Field == Field.Song);

    /// <summary>Time Prepare took.</summary>
    public double Seconds { get; }
}
