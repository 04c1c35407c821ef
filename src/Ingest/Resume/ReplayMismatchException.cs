namespace KkboxNcf.Ingest.Resume;

/// <summary>The topics hold data that is not the replay of these files, so resuming cannot be exact.</summary>
public sealed class ReplayMismatchException(string message) : Exception(message);
