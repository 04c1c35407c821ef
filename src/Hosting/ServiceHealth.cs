namespace KkboxNcf.Hosting;

/// <summary>The service's own view of its health, set by its workers, read by the health file writer.</summary>
public sealed class ServiceHealth
{
    volatile string? _problem;

    public bool IsHealthy => _problem is null;
    public string? Problem => _problem;

    /// <summary>Says what is wrong (e.g. "Redis unreachable for 12 s"); the health file stops being refreshed.</summary>
    public void Report(string problem) => _problem = problem;

    public void Recovered() => _problem = null;
}
