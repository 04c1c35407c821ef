using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Model;

/// <summary>A small planted data set (learnable pattern, true probabilities known) shared by the model tests.</summary>
static class ModelTestData
{
    public static PlantedData.Result Planted(int examples = 4000, int seed = 3) => PlantedData.Generate(PlantedSizes.Tiny, examples, seed);

    public static RecModel Model(ModelKind kind, FeatureSpace space, int seed = 1)
    {
        return ModelFactory.Create(ModelShape.For(kind, space), seed);
    }

    public static (Tensor X, Tensor Y) Batch(EncodedDataset data, int start, int count)
    {
        var (x, y) = data.Slice(start, count).ToTensors();
        return (x.to(int64), y);
    }
}
