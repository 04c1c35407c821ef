namespace KkboxNcf.Model.Lists;

/// <summary>One list to write: a member, the context it is read in, and the songs to leave out (those the member has heard).</summary>
public sealed record ListRequest(string Member, ListContext Context, IReadOnlySet<string> Exclude);
