namespace KkboxNcf.Ingest;

/// <summary>The KKBOX files of a data folder: train.csv is required, the others are optional.</summary>
public sealed record KkboxFiles(string Train, string? Test, string? Members, string? Songs, string? SongExtras)
{
    public static KkboxFiles In(string directory)
    {
        string? Optional(string name) => File.Exists(Path.Combine(directory, name)) ? Path.Combine(directory, name) : null;
        string train = Path.Combine(directory, "train.csv");
        if (!File.Exists(train))
            throw new FileNotFoundException($"{directory} has no train.csv (the KKBOX files are train.csv, test.csv, members.csv, songs.csv, song_extra_info.csv)", train);
        return new KkboxFiles(train, Optional("test.csv"), Optional("members.csv"), Optional("songs.csv"), Optional("song_extra_info.csv"));
    }

    /// <summary>What is missing, for a warning: a replay without metadata trains with unknown values.</summary>
    public IEnumerable<string> MissingOptional()
    {
        if (Members is null) yield return "members.csv";
        if (Songs is null) yield return "songs.csv";
        if (SongExtras is null) yield return "song_extra_info.csv";
    }
}
