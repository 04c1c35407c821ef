namespace KkboxNcf.Data;

/// <summary>
/// The reasons a row is rejected. They are the keys of ReadReport's counts, so they are fixed
/// texts (a column name is appended for field errors, e.g. "bad integer: bd").
/// </summary>
public static class RejectReasons
{
    public const string WrongColumnCount = "wrong column count";
    public const string UnterminatedQuote = "unterminated quote";
    public const string RowTooLong = "row too long";
    public const string KeyTooLong = "key too long";
    public const string FieldTooLong = "field too long";
    public const string InvalidUtf8 = "invalid UTF-8";
    public const string EmptyRow = "empty row";
    public const string MissingKey = "missing key";
    public const string BadInteger = "bad integer";
    public const string BadTarget = "bad target";

    /// <summary>Longest member or song id accepted (KKBOX ids are 44 characters): ids become Kafka keys and Redis keys.</summary>
    public const int MaxKeyBytes = 1024;

    /// <summary>
    /// Longest field accepted. Real KKBOX fields are at most a few hundred bytes; a field of megabytes
    /// would make an event too big for Kafka (1 MB messages by default) and for the message decoder.
    /// </summary>
    public const int MaxFieldBytes = 64 * 1024;

    public static string For(string reason, string column) => reason + ": " + column;

    /// <summary>The reason an id field cannot be a key (empty or longer than MaxKeyBytes), or null when it can.</summary>
    public static string? ForKey(ReadOnlySpan<byte> value, string column) =>
        value.IsEmpty ? For(MissingKey, column) : value.Length > MaxKeyBytes ? For(KeyTooLong, column) : null;
}
