using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace KkboxNcf.Model.Training;

/// <summary>
/// Adam (PyTorch's, without weight decay or AMSGrad) for the dense parameters. It replaces TorchSharp's
/// optim.Adam, which passes temporary Scalars to libtorch: with another thread allocating (the Trainer
/// reads the next batch beside training), a collection can finalize one mid-call (see HeldScalars);
/// GcStressTests reproduced it within seconds. Its step is AdamStep, whose Scalars are held.
/// </summary>
public sealed class DenseAdam : IDisposable
{
    const string StateMagic = "kkboxncf-dense-adam-v1";
    readonly Parameter[] _parameters;
    readonly Tensor[] _m, _v;
    readonly double _lr, _beta1, _beta2, _eps;

    public DenseAdam(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        _parameters = parameters.ToArray();
        using var _ = torch.no_grad();
        _m = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        _v = _parameters.Select(p => torch.zeros_like(p).DetachFromDisposeScope()).ToArray();
        _lr = lr;
        _beta1 = beta1;
        _beta2 = beta2;
        _eps = eps;
    }

    public long StepCount { get; private set; }

    public void ZeroGrad()
    {
        using var scope = torch.NewDisposeScope();
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        StepCount++;
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var step = new AdamStep(_lr, _beta1, _beta2, _eps, StepCount);
        for (int i = 0; i < _parameters.Length; i++)
        {
            var g = _parameters[i].grad;
            if (g is null) continue;
            _parameters[i].addcdiv_(_m[i], step.Moments(_m[i], _v[i], g), step.StepSize);
        }
    }

    public void Save(BinaryWriter w)
    {
        w.Write(StateMagic);
        w.Write(StepCount);
        w.Write(_parameters.Length);
        for (int i = 0; i < _parameters.Length; i++)
        {
            TensorFile.Write(w, _m[i]);
            TensorFile.Write(w, _v[i]);
        }
    }

    /// <summary>Restores Save's output into an optimizer over parameters of the same shapes.</summary>
    public void Load(BinaryReader r)
    {
        if (r.ReadString() != StateMagic) throw new InvalidDataException("not a dense Adam state");
        long steps = r.ReadInt64();
        int count = r.ReadInt32();
        if (count != _parameters.Length) throw new InvalidDataException($"dense Adam state for {count} parameters, this model has {_parameters.Length}");
        for (int i = 0; i < count; i++)
        {
            TensorFile.ReadInto(r, _m[i]);
            TensorFile.ReadInto(r, _v[i]);
        }
        StepCount = steps;
    }

    /// <summary>
    /// Restores the state TorchSharp's optim.Adam wrote (save_state_dict) over the same parameters, in
    /// checkpoints of versions before DenseAdam (optimizer state v1).
    /// </summary>
    public void LoadTorchSharpAdam(BinaryReader r)
    {
        using var adam = optim.Adam(_parameters, _lr, _beta1, _beta2, _eps);
        adam.load_state_dict(r);
        var states = adam.state_dict().State.Cast<TorchSharp.Modules.Adam.State>().ToArray();
        if (states.Length != _parameters.Length)
            throw new InvalidDataException($"TorchSharp Adam state for {states.Length} parameters, this model has {_parameters.Length}");
        using var _ = torch.no_grad();
        for (int i = 0; i < states.Length; i++)
        {
            _m[i].copy_(states[i].exp_avg);
            _v[i].copy_(states[i].exp_avg_sq);
        }
        StepCount = states.Length == 0 ? 0 : states.Max(s => s.step);
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
    }
}
