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
    readonly GeneratorHolder _init;

    /// <param name="seed">Seeds the initial weights (and rows added when tables grow), independent of torch's global generator.</param>
    protected RecModel(string name, ModelShape shape, int seed) : base(name)
    {
        Shape = shape;
        _init = new GeneratorHolder(new Generator((ulong)seed));
    }

    /// <summary>
    /// The state of the generator that initialises rows added by growth: a checkpoint keeps it so a
    /// restored model grows exactly as the model it was saved from would have.
    /// </summary>
    public byte[] InitGeneratorState
    {
        get
        {
            using var state = Init.get_state();
            return state.data<byte>().ToArray();
        }
        set
        {
            using var state = torch.tensor(value, dtype: uint8);
            Init.set_state(state);
        }
    }

    /// <summary>
    /// The precision of the MLP tower's matrix products: float32, or bfloat16 (mixed precision: the
    /// weights stay float32 and get float32 gradients; inputs and weights are rounded to bf16 for the
    /// products, which accumulate in float32). Embeddings, GMF, biases and the loss stay float32.
    /// </summary>
    public ScalarType MlpPrecision { get; set; } = ScalarType.Float32;

    /// <summary>relu(layer(x)) at MlpPrecision; the result is float32.</summary>
    protected Tensor Layer(Linear layer, Tensor x, bool relu = true)
    {
        Tensor y;
        if (MlpPrecision == ScalarType.Float32) y = layer.forward(x);
        else y = torch.nn.functional.linear(x.to(MlpPrecision), layer.weight!.to(MlpPrecision), layer.bias!.to(MlpPrecision)).to(ScalarType.Float32);
        return relu ? torch.nn.functional.relu(y) : y;
    }

    /// <summary>The generator that initialises this model's weights.</summary>
    protected Generator Init => _init.Generator;

    /// <summary>A linear layer with PyTorch's default initialisation, U(-1/sqrt(in), 1/sqrt(in)), drawn from the model's generator.</summary>
    protected Linear SeededLinear(long inputs, long outputs, bool bias = true)
    {
        var layer = nn.Linear(inputs, outputs, hasBias: bias);
        double bound = 1 / Math.Sqrt(inputs);
        using (torch.no_grad())
        {
            layer.weight!.uniform_(-bound, bound, Init);
            layer.bias?.uniform_(-bound, bound, Init);
        }
        return layer;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _init.Generator.Dispose();
        base.Dispose(disposing);
    }

    // Not a field of a module type, so RegisterComponents leaves it alone.
    sealed record GeneratorHolder(Generator Generator);

    public ModelShape Shape { get; }

    public ModelKind Kind => Shape.Kind;

    /// <summary>The fused embedding tables (trained row-sparsely by LazyAdam).</summary>
    public abstract IEnumerable<SegmentedEmbedding> Stores { get; }

    public IEnumerable<RowEmbedding> Tables => Stores.Select(s => s.Table);

    /// <summary>Parameters that are not embedding tables (the layers; trained by dense Adam).</summary>
    public IEnumerable<Parameter> DenseParameters()
    {
        var tables = Tables.Select(t => t.Weight.Handle).ToHashSet();
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
        foreach (var store in Stores) store.EnsureCapacity(space, headroom);
    }

    /// <summary>The shape with the tables' current row counts (they grow with the vocabularies).</summary>
    public ModelShape CurrentShape()
    {
        var capacity = (int[])Shape.Capacity.Clone();
        int genreCapacity = Shape.GenreCapacity;
        foreach (var segment in Stores.SelectMany(s => s.Segments))
        {
            if (segment.Field is { } f) capacity[(int)f] = (int)segment.Rows;
            else genreCapacity = (int)segment.Rows;
        }
        return Shape with { Capacity = capacity, GenreCapacity = genreCapacity };
    }

    /// <summary>
    /// The fused user and song table with rows `width` wide: index columns 0 and 1 are a batch's user and
    /// song, and moreSongs further columns index songs too (a member's recent songs).
    /// </summary>
    protected SegmentedEmbedding EntityTable(ModelShape shape, int width, int moreSongs = 0) =>
        new("entity", [(Field.User, shape.CapacityOf(Field.User)), (Field.Song, shape.CapacityOf(Field.Song))],
            [0, 1, .. Enumerable.Repeat(1, moreSongs)], width, shape.InitStd, Init);
}
