namespace KkboxNcf.Data;

/// <summary>
/// The reasons a row is rejected. They are the keys of ReadReport's counts, so they are fixed
/// texts (a column name is appended for field errors, e.g. "bad integer: bd").
/// </summary>
public static class RejectReasons
{
    public const string WrongColumnCount = "wrong column count";
    public const string UnterminatedQuote = "unterminated quote";
    public const string InvalidUtf8 = "invalid UTF-8";
    public const string EmptyRow = "empty row";
    public const string MissingKey = "missing key";
    public const string BadInteger = "bad integer";
    public const string BadTarget = "bad target";

    public static string For(string reason, string column) => reason + ": " + column;
}
