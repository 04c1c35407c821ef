namespace KkboxNcf.Model.Models;

public enum ModelKind
{
    /// <summary>Matrix factorization, the seed's eq. 9.</summary>
    Mf,
    /// <summary>Four-layer perceptron over user, song and all metadata embeddings, eq. 13-14.</summary>
    Mlp,
    /// <summary>Neural collaborative filtering with metadata, Listing 1.</summary>
    Ncf,
}
