namespace KkboxNcf.Cli.Report;

/// <summary>What `kkbox report` was given: each input is optional, and its section says so when it is missing.</summary>
public sealed record ReportOptions(string? Offline, IReadOnlyList<string> Online, string? Data, string OutDir);
