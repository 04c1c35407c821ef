using KkboxNcf.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>
/// One step of PyTorch's Adam, shared by DenseAdam (whole parameters) and LazyAdam (the rows a batch
/// touched): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g², p += StepSize · m / (sqrt(v / bc2) + eps)
/// with StepSize = -lr / bc1. Its Scalars are held for the whole step (see HeldScalars).
/// </summary>
sealed class AdamStep : IDisposable
{
    readonly Scalar _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _biasCorrection2, _eps;

    public AdamStep(double lr, double beta1, double beta2, double eps, long step)
    {
        _beta1 = beta1;
        _oneMinusBeta1 = 1 - beta1;
        _beta2 = beta2;
        _oneMinusBeta2 = 1 - beta2;
        _biasCorrection2 = 1 - Math.Pow(beta2, step);
        _eps = eps;
        StepSize = -lr / (1 - Math.Pow(beta1, step));
    }

    /// <summary>-lr / bc1: the factor of the direction in the parameter update.</summary>
    public Scalar StepSize { get; }

    /// <summary>
    /// Updates the moments m and v in place with the gradient g; returns the denominator sqrt(v / bc2) + eps
    /// (the caller divides m by it in the way that suits its layout, e.g. addcdiv_).
    /// </summary>
    public Tensor Moments(Tensor m, Tensor v, Tensor g)
    {
        m.mul_(_beta1).add_(g, _oneMinusBeta1);
        v.mul_(_beta2).addcmul_(g, g, _oneMinusBeta2);
        return v.div(_biasCorrection2).sqrt_().add_(_eps, HeldScalars.One); // add_(eps) alone makes a temporary alpha
    }

    public void Dispose()
    {
        foreach (var s in new[] { _beta1, _oneMinusBeta1, _beta2, _oneMinusBeta2, _biasCorrection2, _eps, StepSize }) s.Dispose();
    }
}
