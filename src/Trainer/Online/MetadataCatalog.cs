using KkboxNcf.Contracts;
using KkboxNcf.Data;
using KkboxNcf.Model.Features;

namespace KkboxNcf.Trainer.Online;

/// <summary>
/// The latest member, song and song-extra records read from the compacted metadata topics, by id.
/// The feature space holds rows only for ids seen in listens (so the caps bound it); a record is
/// copied into it when its id is first seen in a listen, and again whenever a newer record arrives
/// for an id it holds (late metadata updates the join). Memory: the size of the catalogs.
/// </summary>
public sealed class MetadataCatalog
{
    readonly Dictionary<string, MemberUpdated> _members = new(StringComparer.Ordinal);
    readonly Dictionary<string, SongUpdated> _songs = new(StringComparer.Ordinal);
    readonly Dictionary<string, SongExtraUpdated> _extras = new(StringComparer.Ordinal);

    public int Members => _members.Count;
    public int Songs => _songs.Count;
    public int SongExtras => _extras.Count;

    /// <summary>Keeps a record and updates the feature space when it already has the id.</summary>
    public void Apply(MetadataUpdate update, FeatureSpace space)
    {
        switch (update)
        {
            case MetadataUpdate.OfMember m:
                _members[m.Member.Msno] = m.Member;
                if (space[Field.User].Contains(m.Member.Msno)) ApplyMember(space, m.Member.Msno);
                break;
            case MetadataUpdate.OfSong s:
                _songs[s.Song.SongId] = s.Song;
                if (space[Field.Song].Contains(s.Song.SongId)) ApplySong(space, s.Song.SongId);
                break;
            case MetadataUpdate.OfSongExtra e:
                _extras[e.Extra.SongId] = e.Extra;
                if (space[Field.Song].Contains(e.Extra.SongId)) ApplySong(space, e.Extra.SongId);
                break;
        }
    }

    /// <summary>Copies what is known about a member (already in the space) into it; nothing when unknown.</summary>
    public void ApplyMember(FeatureSpace space, string msno)
    {
        if (!_members.TryGetValue(msno, out var m)) return;
        space.AddMember(new Member(m.Msno, m.City, m.Bd, m.Gender, m.RegisteredVia, m.RegistrationInitTime, m.ExpirationDate));
    }

    /// <summary>Copies what is known about a song (already in the space) into it; nothing when unknown.</summary>
    public void ApplySong(FeatureSpace space, string songId)
    {
        bool hasSong = _songs.TryGetValue(songId, out var s);
        bool hasExtra = _extras.TryGetValue(songId, out var e);
        if (!hasSong && !hasExtra) return;
        var song = hasSong
            ? new Song(s!.SongId, s.SongLengthMs, s.Genres, s.Artists, s.Composers, s.Lyricists, s.Language)
            : new Song(songId, -1, [], [], [], [], -1);
        space.AddSong(song, hasExtra ? e!.Country : "");
    }
}
