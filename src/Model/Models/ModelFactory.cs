namespace KkboxNcf.Model.Models;

public static class ModelFactory
{
    /// <summary>A new model; seed fixes its initial weights.</summary>
    public static RecModel Create(ModelShape shape, int seed = 0) => shape.Kind switch
    {
        ModelKind.Mf => new MfModel(shape, seed),
        ModelKind.Mlp => new MlpModel(shape, seed),
        ModelKind.Ncf => new NcfModel(shape, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape.Kind, "unknown model kind"),
    };

    public static ModelKind ParseKind(string name) => name.Trim().ToLowerInvariant() switch
    {
        "mf" => ModelKind.Mf,
        "mlp" => ModelKind.Mlp,
        "ncf" => ModelKind.Ncf,
        _ => throw new ArgumentException($"unknown model '{name}' (expected mf, mlp or ncf)"),
    };
}
