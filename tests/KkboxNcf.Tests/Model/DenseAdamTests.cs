using KkboxNcf.Model.Models;
using KkboxNcf.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Model;

/// <summary>DenseAdam is TorchSharp's optim.Adam (which it replaces) step for step, and reads the state that one wrote.</summary>
public class DenseAdamTests
{
    static readonly TrainingConfig Dense = new() { RowSparse = false, LearningRate = 0.01 };

    [Fact]
    public void TakesTheSameStepsAsTorchSharpAdam()
    {
        var planted = ModelTestData.Planted(600);
        using var ours = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var theirs = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var fitter = new ModelFitter(ours, Dense);
        using var adam = optim.Adam(theirs.parameters(), Dense.LearningRate, Dense.Beta1, Dense.Beta2, Dense.Eps);
        var initial = Parameters(ours);
        for (int step = 0; step < 5; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = ModelTestData.Batch(planted.Data, step * 100, 100);
            torch.manual_seed(step); // the same dropout masks on both sides
            fitter.TrainStep(x, y);
            torch.manual_seed(step);
            TorchSharpStep(theirs, adam, x, y);
        }
        AssertSameParameters(ours, theirs);
        Assert.Contains(Parameters(ours), p => !p.Value.allclose(initial[p.Key], rtol: 0, atol: 0));
    }

    [Fact]
    public void ReadsTheOptimizerStateOfCheckpointsWrittenWithTorchSharpAdam()
    {
        var planted = ModelTestData.Planted(600);
        using var old = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 5);
        using var adam = optim.Adam(old.parameters(), Dense.LearningRate, Dense.Beta1, Dense.Beta2, Dense.Eps);
        for (int step = 0; step < 3; step++)
        {
            using var scope = torch.NewDisposeScope();
            var (x, y) = ModelTestData.Batch(planted.Data, step * 100, 100);
            TorchSharpStep(old, adam, x, y);
        }
        // the v1 optimizer section as ModelFitter wrote it with TorchSharp's Adam (dense mode: no LazyAdam part)
        using var v1 = new MemoryStream();
        using (var w = new BinaryWriter(v1, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(ModelFitter.OptimizerStateMagicV1);
            w.Write(300L);
            ((TorchSharp.Modules.OptimizerHelper)adam).save_state_dict(w);
            w.Write(false);
        }
        using var restored = ModelTestData.Model(ModelKind.Ncf, planted.Space, seed: 9);
        CopyParameters(old, restored);
        using var fitter = new ModelFitter(restored, Dense);
        v1.Position = 0;
        fitter.LoadOptimizerState(v1);
        Assert.Equal(300, fitter.ExamplesSeen);

        // the next step continues the old optimizer's moments and bias correction
        using (var scope = torch.NewDisposeScope())
        {
            var (x, y) = ModelTestData.Batch(planted.Data, 300, 100);
            torch.manual_seed(11);
            fitter.TrainStep(x, y);
            torch.manual_seed(11);
            TorchSharpStep(old, adam, x, y);
        }
        AssertSameParameters(restored, old);
    }

    static void TorchSharpStep(RecModel model, optim.Optimizer adam, Tensor x, Tensor y)
    {
        model.train();
        adam.zero_grad();
        var loss = nn.functional.binary_cross_entropy_with_logits(model.forward(x), y);
        loss.backward();
        adam.step();
    }

    static void AssertSameParameters(RecModel a, RecModel b)
    {
        var pa = Parameters(a);
        var pb = Parameters(b);
        foreach (var name in pa.Keys) Assert.True(pa[name].allclose(pb[name], rtol: 1e-4, atol: 1e-6), $"{name} differs");
    }

    static void CopyParameters(RecModel from, RecModel to)
    {
        using var _ = torch.no_grad();
        var source = Parameters(from);
        foreach (var (name, p) in to.named_parameters()) p.copy_(source[name]);
    }

    static Dictionary<string, Tensor> Parameters(RecModel model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
}
