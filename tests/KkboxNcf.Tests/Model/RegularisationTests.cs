using KkboxNcf.Model.Features;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;

namespace KkboxNcf.Tests.Model;

/// <summary>What keeps the models from overfitting small, sparse data: rare values, id dropout, embedding L2, early stopping on AUC.</summary>
public class RegularisationTests
{
    static EncodedDataset Users(params int[] users)
    {
        var d = EncodedDataset.Empty(users.Length);
        users.CopyTo(d.Column(Field.User), 0);
        for (int i = 0; i < users.Length; i++) d.Column(Field.Song)[i] = 7;
        return d;
    }

    [Fact]
    public void RareValuesMapValuesSeenFewerThanMinCountTimesToTheUnknownRow()
    {
        var train = Users(1, 1, 2, 3, 3, 3);
        var rare = RareValues.Fit(train, minCount: 2);
        Assert.Equal([1, 1, 0, 3, 3, 3], rare.Apply(train).Column(Field.User));
        // a member never seen in train (4) and one seen once (2) both take the unknown row
        var test = Users(4, 2, 1, 0);
        Assert.Equal([0, 0, 1, 0], rare.Apply(test).Column(Field.User));
        Assert.Equal(2, rare.Mapped(test, Field.User));
        Assert.Equal(2, rare.KeptRows(Field.User));
        Assert.Equal(1, rare.KeptRows(Field.Song));
        // Apply copies: the input is unchanged
        Assert.Equal([4, 2, 1, 0], test.Column(Field.User));
        Assert.Equal([1, 1, 2, 3, 3, 3], RareValues.Fit(train, minCount: 1).Apply(train).Column(Field.User));
    }

    static float[] UnknownUserRow(RecModel model)
    {
        using var _ = torch.no_grad();
        return model.Stores.First().SegmentWeights(Field.User)[0].data<float>().ToArray();
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.5, true)]
    public void IdDropoutTrainsTheUnknownMemberRow(double dropout, bool trained)
    {
        var planted = ModelTestData.Planted(1000);
        Assert.DoesNotContain(Vocabulary.UnknownRow, planted.Data.Column(Field.User));
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        var before = UnknownUserRow(model);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100, IdDropout = dropout });
        fitter.TrainMicroBatch(planted.Data);
        Assert.Equal(trained, !before.SequenceEqual(UnknownUserRow(model)));
    }

    [Fact]
    public void WithIdDropoutTheRecordedProbabilitiesAreThoseOfTheUnalteredExamples()
    {
        var planted = ModelTestData.Planted(300);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        var expected = model.Predict(planted.Data);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 300, IdDropout = 0.5 });
        var recorded = new float[300];
        fitter.TrainMicroBatch(planted.Data, recorded);
        Assert.Equal(expected, recorded);
    }

    static double MeanUserNorm(RecModel model, EncodedDataset data)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var rows = torch.tensor(data.Column(Field.User).Distinct().Select(u => (long)u).ToArray());
        return model.Stores.First().SegmentWeights(Field.User).index_select(0, rows).norm(1).mean().item<float>();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EmbeddingL2KeepsTheTrainedRowsSmaller(bool rowSparse)
    {
        var planted = ModelTestData.Planted(2000);
        double Norm(double l2)
        {
            using var model = ModelTestData.Model(ModelKind.Mf, planted.Space);
            using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100, LearningRate = 0.01, RowSparse = rowSparse, EmbeddingL2 = l2 });
            fitter.TrainMicroBatch(planted.Data);
            fitter.TrainMicroBatch(planted.Data);
            return MeanUserNorm(model, planted.Data);
        }
        double free = Norm(0), penalised = Norm(0.5);
        Assert.True(penalised < 0.8 * free, $"mean user row norm {free} without L2, {penalised} with");
    }

    [Fact]
    public void StoppingOnAucKeepsTheEpochWithTheBestValidationAuc()
    {
        var planted = ModelTestData.Planted(3000);
        var train = planted.Data.Slice(0, 2400);
        var valid = planted.Data.Slice(2400, 600);
        using var model = ModelTestData.Model(ModelKind.Ncf, planted.Space);
        using var fitter = new ModelFitter(model, new TrainingConfig { BatchSize = 100, LearningRate = 0.02, MaxEpochs = 6, Patience = 6, StopOnAuc = true });
        var epochs = fitter.Fit(train, valid);
        Assert.All(epochs, e => Assert.InRange(e.ValidAuc, 0, 1));
        var kept = epochs.Last(e => e.Improved);
        Assert.Equal(epochs.Max(e => e.ValidAuc), kept.ValidAuc);
        // the restored weights are that epoch's
        Assert.Equal(kept.ValidAuc, Metric.RocAuc(model.Predict(valid), valid.Labels), 6);
    }

    [Fact]
    public void ConfigRefusesOutOfRangeRegularisation()
    {
        Assert.Throws<ArgumentException>(() => new TrainingConfig { IdDropout = 1 }.Validate());
        Assert.Throws<ArgumentException>(() => new TrainingConfig { EmbeddingL2 = -0.1 }.Validate());
        new TrainingConfig { IdDropout = 0.3, EmbeddingL2 = 1e-4 }.Validate();
    }
}
