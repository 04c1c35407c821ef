using KkboxNcf.Model.Features;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Tests.Scorer;

/// <summary>A freshly initialised NCF over the tiny planted vocabularies (200 members "u1".., 500 songs "s1"..).</summary>
static class TinyModel
{
    public static ModelBundle Bundle(int seed = 1, int listenDim = 0)
    {
        var space = PlantedData.Generate(PlantedSizes.Tiny, 100, seed: 3).Space;
        return new ModelBundle(space, ModelFactory.Create(ModelShape.For(ModelKind.Ncf, space, listenDim: listenDim), seed));
    }

    public static ScoringModel Scoring(long version = 1, int seed = 1) => new(version, Bundle(seed));

    public static readonly ListeningContext Usual = new("tab1", "screen2", "type3");
    public static readonly ListeningContext Discover = new("tab2", "screen1", "type1");
}
