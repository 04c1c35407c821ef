namespace KkboxNcf.Cli.Bench;

/// <summary>One benchmark's row of the summary: its result, or why there is none.</summary>
public sealed record BenchOutcome(string Name, string Description, BenchResult? Result, string? Failure, double Seconds, string? LoadAtStart);
