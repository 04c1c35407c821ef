using KkboxNcf.Model.Features;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Models;

/// <summary>
/// A model over encoded examples: forward takes an int64 [B, FeatureLayout.Columns] batch and
/// returns logits [B]; the sigmoid is applied by Predict and folded into the loss in training.
/// </summary>
public abstract class RecModel : nn.Module<Tensor, Tensor>
{
    protected RecModel(string name, ModelShape shape) : base(name) => Shape = shape;

    public ModelShape Shape { get; }

    public ModelKind Kind => Shape.Kind;

    /// <summary>Every embedding table (trained row-sparsely by LazyAdam).</summary>
    public abstract IEnumerable<(Field? Field, RowEmbedding Table)> Tables { get; }

    /// <summary>Parameters that are not embedding tables (the layers; trained by dense Adam).</summary>
    public IEnumerable<Parameter> DenseParameters()
    {
        var tables = Tables.Select(t => t.Table.Weight.Handle).ToHashSet();
        return parameters().Where(p => !tables.Contains(p.Handle));
    }

    /// <summary>Probabilities [B] in evaluation mode, without gradients.</summary>
    public Tensor Predict(Tensor batch)
    {
        bool wasTraining = training;
        eval();
        using var _ = torch.no_grad();
        var p = torch.sigmoid(forward(batch));
        if (wasTraining) train();
        return p;
    }

    /// <summary>Probabilities for an encoded dataset, in batches.</summary>
    public float[] Predict(EncodedDataset data, int batchSize = 8192)
    {
        var result = new float[data.Count];
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            using var scope = torch.NewDisposeScope();
            var (x, _) = data.Slice(start, n).ToTensors();
            Predict(x.to(int64)).data<float>().CopyTo(result, start);
        }
        return result;
    }

    /// <summary>Makes every table hold at least the rows the feature space now has (new rows initialised like the rest).</summary>
    public void EnsureCapacity(FeatureSpace space, double headroom = 0.25)
    {
        foreach (var (field, table) in Tables)
        {
            int needed = field is { } f ? space[f].Count : space.Genres.Count;
            if (needed > table.Rows) table.Grow(ModelShape.WithHeadroom(needed, headroom));
        }
    }

    protected static Tensor Column(Tensor batch, Field f) => batch.select(1, (int)f);

    /// <summary>The shape with the tables' current row counts (they grow with the vocabularies).</summary>
    public ModelShape CurrentShape()
    {
        var capacity = (int[])Shape.Capacity.Clone();
        int genreCapacity = Shape.GenreCapacity;
        foreach (var (field, table) in Tables)
        {
            if (field is { } f) capacity[(int)f] = (int)table.Rows;
            else genreCapacity = (int)table.Rows;
        }
        return Shape with { Capacity = capacity, GenreCapacity = genreCapacity };
    }
}
