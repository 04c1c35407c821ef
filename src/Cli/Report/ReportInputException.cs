namespace KkboxNcf.Cli.Report;

/// <summary>An input of `kkbox report` that exists but cannot be read: the message names the file and what is wrong.</summary>
public sealed class ReportInputException(string message) : Exception(message);
