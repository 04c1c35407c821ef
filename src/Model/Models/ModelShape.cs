using System.Text.Json.Serialization;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Model.Models;

/// <summary>
/// What fixes a model's tensors: its kind, n_dim, and per field the cardinality (vocabulary rows
/// when built: decides the metadata width min(n_dim, cardinality)) and the capacity (table rows,
/// with headroom so a growing vocabulary seldom forces a resize).
/// </summary>
public sealed record ModelShape(
    [property: JsonPropertyName("kind")] ModelKind Kind,
    [property: JsonPropertyName("n_dim")] int NDim,
    [property: JsonPropertyName("cardinality")] int[] Cardinality,
    [property: JsonPropertyName("capacity")] int[] Capacity,
    [property: JsonPropertyName("genre_cardinality")] int GenreCardinality,
    [property: JsonPropertyName("genre_capacity")] int GenreCapacity,
    [property: JsonPropertyName("init_std")] double InitStd,
    [property: JsonPropertyName("listen_dim")] int ListenDim = 0,
    [property: JsonPropertyName("history_length")] int HistoryLength = 0)
{
    /// <summary>A shape for the vocabularies of a feature space, with `headroom` (e.g. 0.25 = 25%) extra rows per table.</summary>
    public static ModelShape For(ModelKind kind, FeatureSpace space, int nDim = 10, double headroom = 0.25, double initStd = 0.1, int listenDim = 0, int historyLength = 0)
    {
        int[] card = FeatureLayout.Fields.Select(f => space[f].Count).ToArray();
        return new ModelShape(kind, nDim, card, card.Select(c => WithHeadroom(c, headroom)).ToArray(),
            space.Genres.Count, WithHeadroom(space.Genres.Count, headroom), initStd, listenDim, historyLength);
    }

    public static int WithHeadroom(int rows, double headroom) => Math.Max(rows + 1, (int)Math.Ceiling(rows * (1 + headroom)));

    public int CardinalityOf(Field f) => Cardinality[(int)f];

    public int CapacityOf(Field f) => Capacity[(int)f];

    /// <summary>The paper's metadata embedding width: min(n_dim, cardinality).</summary>
    public int WidthOf(Field f) => Math.Min(NDim, CardinalityOf(f));

    public int GenreWidth => Math.Min(NDim, GenreCardinality);
}
