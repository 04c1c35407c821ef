namespace KkboxNcf.Data;

/// <summary>One of the five KKBOX files: its published file name and header columns.</summary>
public sealed record KkboxFileSchema(string FileName, string[] Columns)
{
    public string Header => string.Join(',', Columns);
}

/// <summary>The published names and headers of the five KKBOX files.</summary>
public static class KkboxSchema
{
    public static readonly KkboxFileSchema Train = new("train.csv",
        ["msno", "song_id", "source_system_tab", "source_screen_name", "source_type", "target"]);

    public static readonly KkboxFileSchema Test = new("test.csv",
        ["id", "msno", "song_id", "source_system_tab", "source_screen_name", "source_type"]);

    public static readonly KkboxFileSchema Songs = new("songs.csv",
        ["song_id", "song_length", "genre_ids", "artist_name", "composer", "lyricist", "language"]);

    public static readonly KkboxFileSchema Members = new("members.csv",
        ["msno", "city", "bd", "gender", "registered_via", "registration_init_time", "expiration_date"]);

    public static readonly KkboxFileSchema SongExtras = new("song_extra_info.csv",
        ["song_id", "name", "isrc"]);

    public static readonly IReadOnlyList<KkboxFileSchema> All = [Train, Test, Songs, Members, SongExtras];
}
