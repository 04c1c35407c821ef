using KkboxNcf.Data;

namespace KkboxNcf.Model.Features;

/// <summary>
/// The vocabularies of every field plus the member and song catalogs (metadata rows by user row and
/// by song row), so that a listen (msno, song_id, context) encodes into a full example. Missing
/// metadata (a member absent from members.csv, a song absent from songs.csv, an empty field) maps to
/// the unknown row 0 and never drops the event.
/// </summary>
public sealed class FeatureSpace
{
    readonly Vocabulary[] _vocabs;
    // catalogs: one list per member field / song field, index = user row / song row
    readonly List<int>[] _members;
    readonly List<int>[] _songs;
    readonly List<int>[] _songGenres;
    readonly List<int> _songGenreCount;

    public FeatureSpace()
    {
        _vocabs = FeatureLayout.Fields.Select(f => new Vocabulary(FeatureLayout.Name(f))).ToArray();
        Genres = new Vocabulary("genre");
        _members = FeatureLayout.MemberFields.Select(_ => new List<int> { 0 }).ToArray();
        _songs = FeatureLayout.SongFields.Select(_ => new List<int> { 0 }).ToArray();
        _songGenres = Enumerable.Range(0, FeatureLayout.GenreSlots).Select(_ => new List<int> { 0 }).ToArray();
        _songGenreCount = [1];
    }

    public Vocabulary this[Field f] => _vocabs[(int)f];

    public Vocabulary Genres { get; }

    /// <summary>Rows in use per field (unknown row included); genres last.</summary>
    public IReadOnlyDictionary<string, int> Cardinalities =>
        FeatureLayout.Fields.ToDictionary(FeatureLayout.Name, f => this[f].Count)
            .Append(new KeyValuePair<string, int>("genre", Genres.Count)).ToDictionary();

    /// <summary>Registers a member and its metadata (overwriting what was known about it).</summary>
    public int AddMember(Member m)
    {
        int user = this[Field.User].GetOrAdd(m.Msno);
        EnsureUser(user);
        _members[0][user] = this[Field.City].GetOrAdd(m.City.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _members[1][user] = this[Field.Gender].GetOrAdd(m.Gender);
        _members[2][user] = this[Field.RegisteredVia].GetOrAdd(m.RegisteredVia.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _members[3][user] = m.AgeBucket == "unknown" ? Vocabulary.UnknownRow : this[Field.AgeBucket].GetOrAdd(m.AgeBucket);
        return user;
    }

    /// <summary>Registers a song and its metadata; country is the ISRC prefix from song_extra_info ("" when none).
    /// Of multi-valued artist/composer/lyricist the first name counts; of genres the first GenreSlots.</summary>
    public int AddSong(Song s, string country)
    {
        int song = this[Field.Song].GetOrAdd(s.SongId);
        EnsureSong(song);
        _songs[0][song] = this[Field.Artist].GetOrAdd(First(s.Artists));
        _songs[1][song] = this[Field.Composer].GetOrAdd(First(s.Composers));
        _songs[2][song] = this[Field.Lyricist].GetOrAdd(First(s.Lyricists));
        _songs[3][song] = s.Language == -1 ? Vocabulary.UnknownRow
            : this[Field.Language].GetOrAdd(s.Language.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _songs[4][song] = this[Field.Country].GetOrAdd(country);
        int n = 0;
        for (int g = 0; g < FeatureLayout.GenreSlots; g++) _songGenres[g][song] = Vocabulary.UnknownRow;
        foreach (var genre in s.Genres)
        {
            if (n == FeatureLayout.GenreSlots) break;
            if (Vocabulary.IsMissing(genre)) continue;
            _songGenres[n++][song] = Genres.GetOrAdd(genre);
        }
        _songGenreCount[song] = Math.Max(n, 1);
        return song;
    }

    /// <summary>
    /// Hands a user or song row to a new id: the old id is forgotten and the row's metadata reset to
    /// unknown (AddMember/AddSong set it again when the new id's metadata is known).
    /// </summary>
    public void Recycle(Field field, int row, string newId)
    {
        if (field is not (Field.User or Field.Song)) throw new ArgumentException("only user and song rows are recycled", nameof(field));
        this[field].Reassign(row, newId);
        if (field == Field.User)
        {
            foreach (var l in _members) l[row] = Vocabulary.UnknownRow;
            return;
        }
        foreach (var l in _songs) l[row] = Vocabulary.UnknownRow;
        foreach (var l in _songGenres) l[row] = Vocabulary.UnknownRow;
        _songGenreCount[row] = 1;
    }

    static string First(string[] names) => names.Length > 0 ? names[0].Trim() : "";

    void EnsureUser(int user)
    {
        while (_members[0].Count <= user) foreach (var l in _members) l.Add(Vocabulary.UnknownRow);
    }

    void EnsureSong(int song)
    {
        while (_songs[0].Count <= song)
        {
            foreach (var l in _songs) l.Add(Vocabulary.UnknownRow);
            foreach (var l in _songGenres) l.Add(Vocabulary.UnknownRow);
            _songGenreCount.Add(1);
        }
    }

    /// <summary>
    /// Encodes listens. With grow, new members, songs and context values get new rows (training,
    /// streaming); without, they map to the unknown row and are counted in the vocabularies' UnseenLookups.
    /// </summary>
    public EncodedDataset Encode(IReadOnlyList<Listen> listens, bool grow)
    {
        var data = EncodedDataset.Empty(listens.Count);
        var cols = data.Columns;
        for (int i = 0; i < listens.Count; i++)
        {
            var l = listens[i];
            int user = Row(Field.User, l.Msno, grow);
            int song = Row(Field.Song, l.SongId, grow);
            EnsureUser(user);
            EnsureSong(song);
            cols[(int)Field.User][i] = user;
            cols[(int)Field.Song][i] = song;
            for (int k = 0; k < FeatureLayout.MemberFields.Length; k++) cols[(int)FeatureLayout.MemberFields[k]][i] = _members[k][user];
            for (int k = 0; k < FeatureLayout.SongFields.Length; k++) cols[(int)FeatureLayout.SongFields[k]][i] = _songs[k][song];
            cols[(int)Field.SourceSystemTab][i] = Row(Field.SourceSystemTab, l.SourceSystemTab, grow);
            cols[(int)Field.SourceScreenName][i] = Row(Field.SourceScreenName, l.SourceScreenName, grow);
            cols[(int)Field.SourceType][i] = Row(Field.SourceType, l.SourceType, grow);
            for (int g = 0; g < FeatureLayout.GenreSlots; g++) cols[FeatureLayout.GenreColumn + g][i] = _songGenres[g][song];
            cols[FeatureLayout.GenreCountColumn][i] = _songGenreCount[song];
            data.Labels[i] = l.HasLabel ? l.Target : -1;
            data.Rows[i] = l.Row;
        }
        return data;
    }

    /// <summary>
    /// Candidate examples for one member: every given song in the given listening context (the
    /// Scorer ranks them). Labels are -1.
    /// </summary>
    public EncodedDataset EncodeCandidates(int user, IReadOnlyList<int> songs, string tab = "", string screen = "", string type = "")
    {
        EnsureUser(user);
        var data = EncodedDataset.Empty(songs.Count);
        var cols = data.Columns;
        int tabRow = this[Field.SourceSystemTab].Lookup(tab);
        int screenRow = this[Field.SourceScreenName].Lookup(screen);
        int typeRow = this[Field.SourceType].Lookup(type);
        for (int i = 0; i < songs.Count; i++)
        {
            int song = songs[i];
            EnsureSong(song);
            cols[(int)Field.User][i] = user;
            cols[(int)Field.Song][i] = song;
            for (int k = 0; k < FeatureLayout.MemberFields.Length; k++) cols[(int)FeatureLayout.MemberFields[k]][i] = _members[k][user];
            for (int k = 0; k < FeatureLayout.SongFields.Length; k++) cols[(int)FeatureLayout.SongFields[k]][i] = _songs[k][song];
            cols[(int)Field.SourceSystemTab][i] = tabRow;
            cols[(int)Field.SourceScreenName][i] = screenRow;
            cols[(int)Field.SourceType][i] = typeRow;
            for (int g = 0; g < FeatureLayout.GenreSlots; g++) cols[FeatureLayout.GenreColumn + g][i] = _songGenres[g][song];
            cols[FeatureLayout.GenreCountColumn][i] = _songGenreCount[song];
            data.Labels[i] = -1;
        }
        return data;
    }

    int Row(Field f, string raw, bool grow) => grow ? this[f].GetOrAdd(raw) : this[f].Lookup(raw);

    public void Write(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        foreach (var v in _vocabs) v.Write(w);
        Genres.Write(w);
        WriteLists(w, _members);
        WriteLists(w, _songs);
        WriteLists(w, _songGenres);
        WriteLists(w, [_songGenreCount]);
    }

    public static FeatureSpace Read(Stream stream)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (r.ReadString() != Magic) throw new InvalidDataException("not a KkboxNcf feature space");
        var space = new FeatureSpace();
        for (int i = 0; i < space._vocabs.Length; i++) space._vocabs[i] = Vocabulary.Read(r);
        var genres = Vocabulary.Read(r);
        for (int i = 1; i < genres.Count; i++) space.Genres.GetOrAdd(genres.KeyOf(i));
        ReadLists(r, space._members);
        ReadLists(r, space._songs);
        ReadLists(r, space._songGenres);
        ReadLists(r, [space._songGenreCount]);
        return space;
    }

    const string Magic = "kkboxncf-features-v1";

    static void WriteLists(BinaryWriter w, List<int>[] lists)
    {
        foreach (var l in lists)
        {
            w.Write(l.Count);
            foreach (int x in l) w.Write(x);
        }
    }

    static void ReadLists(BinaryReader r, List<int>[] lists)
    {
        foreach (var l in lists)
        {
            int n = r.ReadInt32();
            l.Clear();
            l.Capacity = n;
            for (int i = 0; i < n; i++) l.Add(r.ReadInt32());
        }
    }
}
