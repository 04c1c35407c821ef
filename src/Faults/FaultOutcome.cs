namespace KkboxNcf.Faults;

/// <summary>
/// One fault's result over its runs: how many were tried and passed, the events lost or duplicated
/// (each must be 0), and what was seen (kills landed, exit codes, recovery times) as notes.
/// </summary>
public sealed class FaultOutcome(string fault)
{
    public string Fault { get; } = fault;
    public int Runs { get; private set; }
    public int Passed { get; private set; }
    public long EventsLost { get; private set; }
    public long EventsDuplicated { get; private set; }
    public List<string> Failures { get; } = [];
    public List<string> Notes { get; } = [];

    /// <summary>Records one run: it passed when nothing was lost or duplicated and every check held.</summary>
    public void Add(long lost, long duplicated, IReadOnlyList<string> failedChecks)
    {
        Runs++;
        EventsLost += lost;
        EventsDuplicated += duplicated;
        if (lost == 0 && duplicated == 0 && failedChecks.Count == 0) Passed++;
        Failures.AddRange(failedChecks.Select(f => $"run {Runs}: {f}"));
    }

    public bool AllPassed => Runs > 0 && Passed == Runs;

    public override string ToString() =>
        $"{Fault}: {Passed}/{Runs} runs passed, {EventsLost} lost, {EventsDuplicated} duplicated" +
        (Failures.Count > 0 ? "; failures: " + string.Join("; ", Failures) : "");
}
