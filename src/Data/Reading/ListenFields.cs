namespace KkboxNcf.Data;

/// <summary>
/// One train.csv or test.csv row as UTF-8 spans into the reader's buffer (valid only during the
/// callback): what Ingest needs to build a message without allocating strings or records.
/// Target is 0/1 for train rows and -1 for test rows (whose Id is set; -1 for train rows).
/// </summary>
public readonly ref struct ListenFields
{
    public long Row { get; init; }
    public long Line { get; init; }
    public ReadOnlySpan<byte> Msno { get; init; }
    public ReadOnlySpan<byte> SongId { get; init; }
    public ReadOnlySpan<byte> SourceSystemTab { get; init; }
    public ReadOnlySpan<byte> SourceScreenName { get; init; }
    public ReadOnlySpan<byte> SourceType { get; init; }
    public int Target { get; init; }
    public long Id { get; init; }
}

/// <summary>Called once per accepted listen row, in file order.</summary>
public delegate void ListenHandler(in ListenFields row);
