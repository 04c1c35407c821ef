namespace KkboxNcf.Faults;

/// <summary>The checks of one run: each failed one is kept with what was seen.</summary>
public sealed class Checks
{
    readonly List<string> _failed = [];

    public IReadOnlyList<string> Failed => _failed;

    public void That(bool holds, string what)
    {
        if (!holds) _failed.Add(what);
    }
}
