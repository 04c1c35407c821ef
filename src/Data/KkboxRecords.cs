namespace KkboxNcf.Data;

// The rows of the five KKBOX files, as typed records. Empty fields are "" (never null); the
// literal "null" of source_system_tab is kept as read, and mapping to an unknown row is the
// vocabulary's job. Multi-valued fields are split on '|' and trimmed.

/// <summary>A train.csv row (Target 0/1) or a test.csv row (Target = -1, Id set). Row is the 1-based data row number: the only clock.</summary>
public sealed record Listen(
    long Row,
    string Msno,
    string SongId,
    string SourceSystemTab,
    string SourceScreenName,
    string SourceType,
    int Target,
    long Id = -1)
{
    public bool HasLabel => Target is 0 or 1;
}

/// <summary>A songs.csv row. Language -1 = unknown; SongLengthMs -1 = missing.</summary>
public sealed record Song(
    string SongId,
    int SongLengthMs,
    string[] Genres,
    string[] Artists,
    string[] Composers,
    string[] Lyricists,
    int Language);

/// <summary>A members.csv row. Bd is the raw age field; AgeBucket is derived (see Ages).</summary>
public sealed record Member(
    string Msno,
    int City,
    int Bd,
    string Gender,
    int RegisteredVia,
    int RegistrationInitTime,
    int ExpirationDate)
{
    public string AgeBucket => Ages.Bucket(Bd);
}

/// <summary>A song_extra_info.csv row. Country is the first two letters of the ISRC ("" when none).</summary>
public sealed record SongExtra(string SongId, string Name, string Isrc)
{
    public string Country => Isrc.Length >= 2 ? Isrc[..2].ToUpperInvariant() : "";
}

public static class Ages
{
    /// <summary>Age buckets; 0 (most members), negatives and values above 100 are "unknown".</summary>
    public static string Bucket(int bd) => bd switch
    {
        <= 0 or > 100 => "unknown",
        < 18 => "<18",
        < 25 => "18-24",
        < 35 => "25-34",
        < 45 => "35-44",
        < 55 => "45-54",
        _ => "55+",
    };
}
