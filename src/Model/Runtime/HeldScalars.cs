using TorchSharp;

namespace KkboxNcf.Model.Runtime;

/// <summary>
/// Scalars that live as long as the process. TorchSharp turns a .NET number into a temporary Scalar
/// whose handle it passes to the native call without keeping the Scalar alive, so a collection started
/// by another thread can finalize it while libtorch still reads it (seen in a test run as "For integral
/// input tensors, argument alpha must not be a floating point number" from `ids + offsets`: the freed
/// alpha had been reused by a float). The hot paths of the models and LazyAdam pass these instead;
/// a value computed per step is held with `using` for the duration of the call.
/// </summary>
public static class HeldScalars
{
    public static readonly Scalar Zero = 0L.ToScalar();

    /// <summary>The alpha of a plain tensor + tensor.</summary>
    public static readonly Scalar One = 1L.ToScalar();

    /// <summary>a + b without a temporary alpha Scalar.</summary>
    public static torch.Tensor Plus(this torch.Tensor a, torch.Tensor b) => a.add(b, One);
}
