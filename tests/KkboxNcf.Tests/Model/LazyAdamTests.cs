using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Model;

/// <summary>
/// LazyAdam's semantics: on a step it is Adam on the rows the batch touched; rows it did not touch
/// keep their weights and moments. So the first step equals dense Adam everywhere (untouched rows
/// have zero gradient and zero moments, and Adam moves them by 0), and later steps differ only on
/// rows the batch did not touch, which dense Adam keeps moving by their old momentum.
/// </summary>
public class LazyAdamTests
{
    [Fact]
    public void FirstStepEqualsDenseAdamOnEveryParameter()
    {
        var planted = ModelTestData.Planted(600);
        using var lazyModel = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var denseModel = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var lazy = new ModelFitter(lazyModel, new TrainingConfig { RowSparse = true, LearningRate = 0.01 });
        using var dense = new ModelFitter(denseModel, new TrainingConfig { RowSparse = false, LearningRate = 0.01 });
        using var scope = torch.NewDisposeScope();
        var (x, y) = ModelTestData.Batch(planted.Data, 0, 256);
        var initial = Parameters(lazyModel);
        Assert.Equal(lazy.TrainStep(x, y), dense.TrainStep(x, y), 5);

        var a = Parameters(lazyModel);
        var b = Parameters(denseModel);
        foreach (var name in a.Keys)
        {
            Assert.True(a[name].allclose(b[name], rtol: 1e-4, atol: 1e-6), $"{name} differs after one step");
            Assert.False(a[name].allclose(initial[name], rtol: 0, atol: 0), $"{name} did not move");
        }
    }

    [Fact]
    public void LaterStepsLeaveUntouchedRowsAlone()
    {
        var planted = ModelTestData.Planted(600);
        using var lazyModel = ModelTestData.Model(ModelKind.Mf, planted.Space, seed: 5);
        using var denseModel = ModelTestData.Model(ModelKind.Mf, planted.Space, seed: 5);
        using var lazy = new ModelFitter(lazyModel, new TrainingConfig { RowSparse = true, LearningRate = 0.01 });
        using var dense = new ModelFitter(denseModel, new TrainingConfig { RowSparse = false, LearningRate = 0.01 });
        using var scope = torch.NewDisposeScope();
        // step 1 touches the user and song of example 0; step 2 a batch without them
        var data = planted.Data;
        int user = data.Column(KkboxNcf.Model.Features.Field.User)[0];
        var others = Enumerable.Range(1, data.Count - 1).Where(i => data.Column(KkboxNcf.Model.Features.Field.User)[i] != user).Take(64).ToArray();
        var (x1, y1) = ModelTestData.Batch(data, 0, 1);
        var (x2, y2) = data.Select(others).ToTensors();
        lazy.TrainStep(x1, y1);
        dense.TrainStep(x1, y1);
        var lazyRow = UserRow(lazyModel, user).clone();
        var denseRow = UserRow(denseModel, user).clone();
        Assert.True(lazyRow.allclose(denseRow, atol: 1e-6));

        lazy.TrainStep(x2.to(int64), y2);
        dense.TrainStep(x2.to(int64), y2);
        Assert.True(UserRow(lazyModel, user).allclose(lazyRow, rtol: 0, atol: 0), "LazyAdam moved a row the batch did not touch");
        Assert.False(UserRow(denseModel, user).allclose(denseRow, atol: 1e-7), "dense Adam keeps moving it by its momentum");
    }

    static Tensor UserRow(RecModel model, int user) =>
        model.Stores.First().SegmentWeights(KkboxNcf.Model.Features.Field.User).detach()[user];

    static Dictionary<string, Tensor> Parameters(RecModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
}
