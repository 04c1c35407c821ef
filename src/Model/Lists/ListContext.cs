namespace KkboxNcf.Model.Lists;

/// <summary>Where a list is read: the three source fields of the listen it is judged against.</summary>
public readonly record struct ListContext(string Tab, string Screen, string Type)
{
    public override string ToString() => $"{Tab}|{Screen}|{Type}";
}
