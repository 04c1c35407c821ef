using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Data.Synth;
using KkboxNcf.Tests.Data;
using KkboxNcf.Trainer.Online;

namespace KkboxNcf.Tests.Trainer;

/// <summary>The tiny generated KKBOX data as the messages Ingest would send (listens in row order, metadata).</summary>
sealed class StreamData
{
    public required IReadOnlyList<ListenRecorded> Listens { get; init; }
    public required IReadOnlyList<MemberUpdated> Members { get; init; }
    public required IReadOnlyList<SongUpdated> Songs { get; init; }
    public required IReadOnlyList<SongExtraUpdated> Extras { get; init; }

    public IEnumerable<MetadataUpdate> Metadata =>
        Members.Select(m => (MetadataUpdate)new MetadataUpdate.OfMember(m))
            .Concat(Songs.Select(s => new MetadataUpdate.OfSong(s)))
            .Concat(Extras.Select(e => new MetadataUpdate.OfSongExtra(e)));

    static readonly Lazy<StreamData> TinyData = new(() => Generate(SynthSize.Tiny, 11));

    public static StreamData Tiny => TinyData.Value;

    public static StreamData Generate(SynthSize size, ulong seed)
    {
        using var dir = new TempDir();
        new KkboxSynthesizer(size, seed).Generate(dir.Path);
        var report = new ReadReport();
        return new StreamData
        {
            Listens = KkboxReader.ReadListens(dir.File("train.csv"), report)
                .Select(l => new ListenRecorded(l.Row, l.Msno, l.SongId, l.SourceSystemTab, l.SourceScreenName, l.SourceType, l.Target, 0)).ToList(),
            Members = KkboxReader.ReadMembers(dir.File("members.csv"), report)
                .Select(m => new MemberUpdated(m.Msno, m.City, m.Bd, m.Gender, m.RegisteredVia, m.RegistrationInitTime, m.ExpirationDate)).ToList(),
            Songs = KkboxReader.ReadSongs(dir.File("songs.csv"), report)
                .Select(s => new SongUpdated(s.SongId, s.SongLengthMs, s.Genres, s.Artists, s.Composers, s.Lyricists, s.Language)).ToList(),
            Extras = KkboxReader.ReadSongExtras(dir.File("song_extra_info.csv"), report)
                .Select(e => new SongExtraUpdated(e.SongId, e.Name, e.Isrc)).ToList(),
        };
    }

    public static IEnumerable<ListenRecorded[]> Batches(IReadOnlyList<ListenRecorded> listens, int size) => listens.Chunk(size);
}
