using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Model;

public class ModelTests
{
    [Theory]
    [InlineData(ModelKind.Mf)]
    [InlineData(ModelKind.Mlp)]
    [InlineData(ModelKind.Ncf)]
    public void ForwardGivesOneLogitPerExample(ModelKind kind)
    {
        var planted = ModelTestData.Planted(300);
        using var model = ModelTestData.Model(kind, planted.Space);
        using var scope = torch.NewDisposeScope();
        var (x, _) = ModelTestData.Batch(planted.Data, 0, 64);
        var logits = model.forward(x);
        Assert.Equal(new long[] { 64 }, logits.shape);
        var p = model.Predict(x);
        Assert.True(p.min().item<float>() > 0 && p.max().item<float>() < 1);
    }

    [Fact]
    public void MetadataWidthIsMinOfNDimAndCardinality()
    {
        var planted = ModelTestData.Planted(10);
        var shape = ModelShape.For(ModelKind.Ncf, planted.Space);
        // tiny sizes: 3 genders + unknown row = 4 rows => width 4; 60 artists => n_dim
        Assert.Equal(4, shape.WidthOf(Field.Gender));
        Assert.Equal(10, shape.WidthOf(Field.Artist));
        using var model = new NcfModel(shape);
        // l1 takes user + song + every metadata width + genres
        int concat = shape.WidthOf(Field.User) + shape.WidthOf(Field.Song) + FeatureLayout.MetadataFields.Sum(shape.WidthOf) + shape.GenreWidth;
        var l1 = model.named_parameters().Single(p => p.name == "l1.weight").parameter;
        Assert.Equal(new long[] { 2 * concat, concat }, l1.shape);
    }

    [Theory]
    [InlineData(ModelKind.Mf)]
    [InlineData(ModelKind.Ncf)]
    public void LossFallsAndThePlantedPatternIsFound(ModelKind kind)
    {
        var planted = ModelTestData.Planted(6000);
        var train = planted.Data.Slice(0, 5000);
        var valid = planted.Data.Slice(5000, 1000);
        using var model = ModelTestData.Model(kind, planted.Space);
        double aucBefore = Metric.RocAuc(model.Predict(valid), valid.Labels);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 128, LearningRate = 0.01, MaxEpochs = 6, Patience = 6 });
        var epochs = fitter.Fit(train, valid);
        double auc = Metric.RocAuc(model.Predict(valid), valid.Labels);
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss - 0.02, $"train loss {epochs[0].TrainLoss} -> {epochs[^1].TrainLoss}");
        Assert.True(auc > 0.62 && auc > aucBefore + 0.05, $"validation AUC {aucBefore} -> {auc}");
    }

    [Fact]
    public void TrainingIsRepeatableWithTheSameSeed()
    {
        var planted = ModelTestData.Planted(2000);
        double[] Losses()
        {
            using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 9);
            using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 256, MaxEpochs = 2, Patience = 2, Seed = 4 });
            return fitter.Fit(planted.Data.Slice(0, 1600), planted.Data.Slice(1600, 400)).Select(e => e.ValidLoss).ToArray();
        }
        Assert.Equal(Losses(), Losses());
    }

    [Theory]
    [InlineData(ModelKind.Mf)]
    [InlineData(ModelKind.Mlp)]
    [InlineData(ModelKind.Ncf)]
    public void SaveAndLoadGiveIdenticalPredictions(ModelKind kind)
    {
        var planted = ModelTestData.Planted(1000);
        using var model = ModelTestData.Model(kind, planted.Space);
        using (var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100 })) fitter.TrainMicroBatch(planted.Data.Slice(0, 500));
        var before = model.Predict(planted.Data);
        var bytes = new ModelBundle(planted.Space, model).ToBytes();
        var loaded = ModelBundle.FromBytes(bytes);
        Assert.Equal(kind, loaded.Model.Kind);
        Assert.Equal(before, loaded.Model.Predict(planted.Data));
        Assert.Equal(planted.Space.Cardinalities, loaded.Features.Cardinalities);
        loaded.Model.Dispose();
    }

    [Fact]
    public void MfFactorsReproduceTheModelsLogits()
    {
        var planted = ModelTestData.Planted(200);
        using var model = (MfModel)ModelTestData.Model(ModelKind.Mf, planted.Space);
        var f = model.ExtractFactors();
        AssertFactorsMatch(model, f, planted.Data);
    }

    [Fact]
    public void NcfGmfFactorsAreTheGmfHalfOfTheScore()
    {
        var planted = ModelTestData.Planted(200);
        using var model = (NcfModel)ModelTestData.Model(ModelKind.Ncf, planted.Space);
        // silence the MLP half of the final layer: what remains is exactly the GMF dot product plus biases
        using (torch.no_grad())
        {
            var l4 = model.named_parameters().Single(p => p.name == "l4.weight").parameter;
            l4.narrow(1, model.Shape.NDim, model.Shape.NDim).zero_();
        }
        var f = model.ExtractFactors();
        Assert.Equal(model.Shape.NDim, f.Dim);
        AssertFactorsMatch(model, f, planted.Data);
    }

    static void AssertFactorsMatch(RecModel model, DotProductFactors f, EncodedDataset data)
    {
        var p = model.Predict(data.Slice(0, 50));
        for (int i = 0; i < 50; i++)
        {
            float logit = f.Score(data.Column(Field.User)[i], data.Column(Field.Song)[i]);
            Assert.Equal(p[i], 1 / (1 + MathF.Exp(-logit)), 5);
        }
    }

    [Fact]
    public void TablesGrowWithTheVocabularyKeepingOldRows()
    {
        var planted = ModelTestData.Planted(500);
        var space = planted.Space;
        using var model = ModelTestData.Model(ModelKind.Ncf, space);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100 });
        fitter.TrainMicroBatch(planted.Data.Slice(0, 200));
        var before = model.Predict(planted.Data);
        long songsBefore = model.CurrentShape().CapacityOf(Field.Song);

        // a burst of new members, songs and artists, more than the headroom holds
        var listens = new List<KkboxNcf.Data.Listen>();
        for (int i = 0; i < 800; i++)
        {
            space.AddSong(new KkboxNcf.Data.Song($"new-song-{i}", 1, ["g-new"], [$"new-artist-{i}"], [], [], 1), "XX");
            listens.Add(new KkboxNcf.Data.Listen(i + 1, $"new-member-{i % 300}", $"new-song-{i}", "discover", "", "radio", i % 2));
        }
        var fresh = space.Encode(listens, grow: true);
        model.EnsureCapacity(space);
        Assert.True(model.CurrentShape().CapacityOf(Field.Song) >= space[Field.Song].Count);
        Assert.True(model.CurrentShape().CapacityOf(Field.Song) > songsBefore);
        Assert.True(model.CurrentShape().CapacityOf(Field.Artist) >= space[Field.Artist].Count);
        Assert.Equal(before, model.Predict(planted.Data));

        double loss = fitter.TrainMicroBatch(fresh);
        Assert.True(double.IsFinite(loss));
        var reloaded = ModelBundle.FromBytes(new ModelBundle(space, model).ToBytes());
        Assert.Equal(model.Predict(fresh), reloaded.Model.Predict(fresh));
        reloaded.Model.Dispose();
    }

    [Fact]
    public void TrainingLoopLeaksNoTensors()
    {
        var planted = ModelTestData.Planted(3000);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100 });
        var (x, y) = planted.Data.ToTensors();
        void Steps(int n)
        {
            for (int i = 0; i < n; i++)
            {
                using var scope = torch.NewDisposeScope();
                fitter.TrainStep(x.narrow(0, i * 100, 100).to(int64), y.narrow(0, i * 100, 100));
            }
        }
        Steps(3); // optimizer state is created on the first steps
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Steps(20);
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        x.Dispose();
        y.Dispose();
    }

    [Fact]
    public void Bf16MlpTrainsWhereTheCpuSupportsItAndIsRefusedElsewhere()
    {
        var planted = ModelTestData.Planted(2000);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        var config = new TrainingConfig { Bf16Mlp = true, BatchSize = 200, LearningRate = 0.01 };
        if (!CpuFeatures.HasAvx512Bf16)
        {
            Assert.Throws<ArgumentException>(() => new ModelFitter(model, config));
            return;
        }
        using var fitter = new ModelFitter(model, config);
        Assert.Equal(ScalarType.BFloat16, model.MlpPrecision);
        double first = fitter.TrainMicroBatch(planted.Data.Slice(0, 1000));
        double later = 0;
        for (int i = 0; i < 5; i++) later = fitter.TrainMicroBatch(planted.Data.Slice(0, 1000));
        Assert.True(later < first, $"loss {first} -> {later}");
        // bf16 products change predictions only slightly against float32 products of the same weights
        var bf16 = model.Predict(planted.Data.Slice(1000, 500));
        model.MlpPrecision = ScalarType.Float32;
        var fp32 = model.Predict(planted.Data.Slice(1000, 500));
        Assert.True(bf16.Zip(fp32).Max(p => Math.Abs(p.First - p.Second)) < 0.02);
    }
}
