namespace KkboxNcf.Data;

/// <summary>A file that cannot be read at all (wrong or missing header): the run must stop at once.</summary>
public sealed class KkboxFormatException(string message) : Exception(message);
