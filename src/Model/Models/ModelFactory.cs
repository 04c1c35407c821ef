namespace KkboxNcf.Model.Models;

public static class ModelFactory
{
    public static RecModel Create(ModelShape shape) => shape.Kind switch
    {
        ModelKind.Mf => new MfModel(shape),
        ModelKind.Mlp => new MlpModel(shape),
        ModelKind.Ncf => new NcfModel(shape),
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
