namespace KkboxNcf.Contracts.Serving;

/// <summary>
/// The names of the serving contexts a list is computed for. "usual" is the member's most frequent
/// listening context (source tab, screen and type) seen in the stream; "discover" is the discover tab.
/// </summary>
public static class ServingContexts
{
    public const string Usual = "usual";
    public const string Discover = "discover";
    public const string Popular = "popular";
}
