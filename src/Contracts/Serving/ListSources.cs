namespace KkboxNcf.Contracts.Serving;

/// <summary>What ranked a stored list's songs (its "source" field).</summary>
public static class ListSources
{
    /// <summary>The NCF of the list's model version.</summary>
    public const string Model = "model";

    /// <summary>Popularity in the list's source tab: the cold-start list, before the first checkpoint or for a member the model does not know.</summary>
    public const string Popular = "popular";
}
