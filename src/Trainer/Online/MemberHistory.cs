namespace KkboxNcf.Trainer.Online;

/// <summary>
/// The song rows of each member's last Length listens, most recent first: what the listen head's
/// member vector sees of a session (KKBOX members play runs of one artist, album or playlist, so the
/// songs just played say much about the next). Song identities are known the moment a listen arrives,
/// so this honours any label delay. Indexed by user row; a recycled row forgets its history.
/// </summary>
public sealed class MemberHistory(int length)
{
    readonly Dictionary<int, long[]> _recent = new();

    public int Length { get; } = length;

    public int Members => _recent.Count;

    /// <summary>Writes the member's recent songs, most recent first and 0-padded, to destination[0..Length).</summary>
    public void CopyTo(int user, Span<long> destination)
    {
        destination[..Length].Clear();
        if (_recent.TryGetValue(user, out var songs)) songs.CopyTo(destination);
    }

    /// <summary>The member just played song: it becomes the most recent.</summary>
    public void Add(int user, long song)
    {
        if (Length == 0) return;
        if (!_recent.TryGetValue(user, out var songs)) _recent.Add(user, songs = new long[Length]);
        Array.Copy(songs, 0, songs, 1, Length - 1);
        songs[0] = song;
    }

    public void Forget(int user) => _recent.Remove(user);

    public void Write(BinaryWriter w)
    {
        w.Write(Length);
        w.Write(_recent.Count);
        foreach (var (user, songs) in _recent)
        {
            w.Write(user);
            foreach (long s in songs) w.Write(s);
        }
    }

    public static MemberHistory Read(BinaryReader r)
    {
        var history = new MemberHistory(r.ReadInt32());
        int members = r.ReadInt32();
        if (history.Length < 0 || members < 0) throw new InvalidDataException("negative sizes in the member history");
        for (int i = 0; i < members; i++)
        {
            int user = r.ReadInt32();
            var songs = new long[history.Length];
            for (int j = 0; j < songs.Length; j++) songs[j] = r.ReadInt64();
            history._recent[user] = songs;
        }
        return history;
    }
}
