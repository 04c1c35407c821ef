using System.Text.Json.Serialization;

namespace KkboxNcf.Model.Training;

/// <summary>
/// Training settings. Defaults are the seed's (Adam, batch 512, lr 0.001, BCE, early stopping on the
/// validation loss) except RowSparse: true trains the embedding tables with LazyAdam (only the rows a
/// batch touched), false is the seed's dense Adam over every parameter.
/// </summary>
public sealed record TrainingConfig
{
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 512;
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 0.001;
    [JsonPropertyName("beta1")] public double Beta1 { get; init; } = 0.9;
    [JsonPropertyName("beta2")] public double Beta2 { get; init; } = 0.999;
    [JsonPropertyName("eps")] public double Eps { get; init; } = 1e-8;
    [JsonPropertyName("max_epochs")] public int MaxEpochs { get; init; } = 10;
    /// <summary>Epochs without a better validation loss before training stops (the best epoch's weights are kept).</summary>
    [JsonPropertyName("patience")] public int Patience { get; init; } = 1;
    [JsonPropertyName("seed")] public int Seed { get; init; } = 42;
    [JsonPropertyName("row_sparse")] public bool RowSparse { get; init; } = true;
    /// <summary>bfloat16 matrix products in the MLP tower (see RecModel.MlpPrecision); only where the CPU has AVX512_BF16.</summary>
    [JsonPropertyName("bf16_mlp")] public bool Bf16Mlp { get; init; }
    /// <summary>Weight of the listen head's sampled-softmax loss beside the replay BCE (models with a listen head; 0 = replay only).</summary>
    [JsonPropertyName("listen_weight")] public double ListenWeight { get; init; } = 1.0;

    /// <summary>
    /// L2 on the embedding rows a step touched: their gradient gains EmbeddingL2 x the row (lazy weight
    /// decay, as TensorFlow's embedding L2 in sparse training). A row seen in few batches is pulled
    /// towards zero between its rare updates, so a member or song heard once does not keep a large
    /// vector fitted to one label. 0 (the default) is off.
    /// </summary>
    [JsonPropertyName("embedding_l2")] public double EmbeddingL2 { get; init; }

    /// <summary>
    /// The probability that a training example's member id, and independently its song id, is replaced
    /// by the unknown row for that step. The unknown row then learns the cold member / song, and the
    /// metadata embeddings learn to carry a prediction without the id, as they must for members and
    /// songs first seen in test. 0 (the default) is off.
    /// </summary>
    [JsonPropertyName("id_dropout")] public double IdDropout { get; init; }

    /// <summary>
    /// Early stopping (and the epoch kept) on the validation ROC AUC instead of the validation log loss:
    /// AUC is what the offline comparison ranks models by, and the two can disagree when a model's
    /// probabilities drift in scale while its ranking still improves.
    /// </summary>
    [JsonPropertyName("stop_on_auc")] public bool StopOnAuc { get; init; }

    /// <summary>
    /// The fast configuration: LazyAdam on the embeddings, batch 4096 with the learning rate scaled
    /// up to 0.008. Per example, a rarely seen row gets the same update as at batch 512; the larger
    /// batch spreads the per-step overhead and lets the two cores' matrix products run efficiently.
    /// </summary>
    public static readonly TrainingConfig Fast = new() { RowSparse = true, BatchSize = 4096, LearningRate = 0.008, Bf16Mlp = Models.CpuFeatures.HasAvx512Bf16 };

    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException("batch size must be >= 1");
        if (LearningRate <= 0) throw new ArgumentException("learning rate must be > 0");
        if (MaxEpochs < 1) throw new ArgumentException("max epochs must be >= 1");
        if (Patience < 0) throw new ArgumentException("patience must be >= 0");
        if (ListenWeight < 0 || double.IsNaN(ListenWeight)) throw new ArgumentException("listen weight must be >= 0");
        if (EmbeddingL2 < 0) throw new ArgumentException("embedding L2 must be >= 0");
        if (IdDropout is < 0 or >= 1) throw new ArgumentException("id dropout must be in [0, 1)");
    }
}
