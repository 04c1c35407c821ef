using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Tests.Foundation;

/// <summary>TorchSharp's native library loads on this machine (patched where libstdc++ is old) and trains.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void TinyModelLossFalls()
    {
        var gen = new Generator(42);
        torch.random.manual_seed(42);
        // y = 1 when the user and item embeddings point the same way: a tiny MF a model can learn.
        var users = nn.Embedding(16, 4);
        var items = nn.Embedding(16, 4);
        var parameters = users.parameters().Concat(items.parameters());
        var optimizer = optim.Adam(parameters, lr: 0.05);
        var u = torch.randint(0, 16, new long[] { 256 }, dtype: int64, generator: gen);
        var i = torch.randint(0, 16, new long[] { 256 }, dtype: int64, generator: gen);
        var y = ((u % 2) == (i % 2)).to(float32);

        float Step()
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var logits = (users.forward(u) * items.forward(i)).sum(1);
            var loss = nn.functional.binary_cross_entropy_with_logits(logits, y);
            loss.backward();
            optimizer.step();
            return loss.item<float>();
        }

        float first = Step();
        float last = first;
        for (int k = 0; k < 100; k++) last = Step();
        Assert.True(last < first * 0.5f, $"loss went from {first} to {last}");
    }
}
