namespace KkboxNcf.Hosting;

/// <summary>
/// Health:File: a file the service touches every Health:IntervalSeconds while it is healthy
/// (container health checks look at its age); unset = no file.
/// </summary>
public sealed class HealthSettings : ISettings
{
    public static string Section => "Health";

    public string? File { get; set; }
    public int IntervalSeconds { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (IntervalSeconds < 1) yield return $"Health:IntervalSeconds must be at least 1, got {IntervalSeconds}";
        if (File is { Length: 0 }) yield return "Health:File must be a path when set";
    }
}
