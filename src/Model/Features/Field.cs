namespace KkboxNcf.Model.Features;

/// <summary>
/// The single-valued categorical fields of an example, in the order of the columns of an encoded
/// batch. Genres, the one multi-valued field, follow them (see FeatureLayout).
/// </summary>
public enum Field
{
    User,
    Song,
    // member metadata (members.csv)
    City,
    Gender,
    RegisteredVia,
    AgeBucket,
    // song metadata (songs.csv, song_extra_info.csv)
    Artist,
    Composer,
    Lyricist,
    Language,
    Country,
    // event metadata (train.csv)
    SourceSystemTab,
    SourceScreenName,
    SourceType,
}

public static class FeatureLayout
{
    public static readonly Field[] Fields = Enum.GetValues<Field>();

    public static readonly Field[] MemberFields = [Field.City, Field.Gender, Field.RegisteredVia, Field.AgeBucket];

    public static readonly Field[] SongFields = [Field.Artist, Field.Composer, Field.Lyricist, Field.Language, Field.Country];

    public static readonly Field[] EventFields = [Field.SourceSystemTab, Field.SourceScreenName, Field.SourceType];

    /// <summary>Metadata fields in the order the MLP concatenates them (eq. 14: member, song, event).</summary>
    public static readonly Field[] MetadataFields = [.. MemberFields, .. SongFields, .. EventFields];

    /// <summary>How many genres of a song are kept (the first ones listed); their embeddings are averaged.</summary>
    public const int GenreSlots = 3;

    public static readonly int SingleFieldCount = Fields.Length;

    /// <summary>Column of the first genre slot; GenreSlots columns follow, then the genre count.</summary>
    public static readonly int GenreColumn = SingleFieldCount;

    public static readonly int GenreCountColumn = GenreColumn + GenreSlots;

    /// <summary>Columns of an encoded example: the single fields, the genre slots, the genre count.</summary>
    public static readonly int Columns = GenreCountColumn + 1;

    public static string Name(Field f) => f switch
    {
        Field.User => "user",
        Field.Song => "song",
        Field.City => "city",
        Field.Gender => "gender",
        Field.RegisteredVia => "registered_via",
        Field.AgeBucket => "age_bucket",
        Field.Artist => "artist",
        Field.Composer => "composer",
        Field.Lyricist => "lyricist",
        Field.Language => "language",
        Field.Country => "country",
        Field.SourceSystemTab => "source_system_tab",
        Field.SourceScreenName => "source_screen_name",
        Field.SourceType => "source_type",
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };
}
