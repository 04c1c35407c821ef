namespace KkboxNcf.Scorer.Members;

/// <summary>
/// The songs played most recently in each source tab (source_system_tab): every listen adds one to
/// its song's count in its tab, and counts decay with a half-life counted in listens of the whole
/// stream (stream time, so a replay gives the same lists), so a tab's top songs are the ones played
/// there lately. Replay rates and what members play differ much by tab (my library against radio), so
/// a list by tab beats one list for everyone. The same counts over every tab are kept too, for the
/// fallback where a tab has too few songs. Single-threaded.
/// </summary>
public sealed class ContextPopularity(double halfLifeListens)
{
    readonly Dictionary<string, Dictionary<string, Decayed>> _tabs = new(StringComparer.Ordinal);
    readonly Dictionary<string, Decayed> _all = new(StringComparer.Ordinal);
    readonly double _lambda = Math.Log(2) / halfLifeListens;
    long _position;

    public long Listens => _position;

    public IEnumerable<string> Tabs => _tabs.Keys;

    public void Record(string tab, string songId)
    {
        _position++;
        if (!_tabs.TryGetValue(tab, out var songs)) _tabs.Add(tab, songs = new Dictionary<string, Decayed>(StringComparer.Ordinal));
        Bump(songs, songId);
        Bump(_all, songId);
    }

    void Bump(Dictionary<string, Decayed> songs, string songId)
    {
        songs.TryGetValue(songId, out var c);
        // kept as of the song's last listen; brought to now when read
        songs[songId] = new Decayed(c.Count * Math.Exp(-_lambda * (_position - c.At)) + 1, _position);
    }

    /// <summary>The tab's n songs with the highest decayed count, best first, with that count (ties: the smaller id first); empty for a tab never seen.</summary>
    public IReadOnlyList<(string SongId, double Plays)> Top(string tab, int n) =>
        _tabs.TryGetValue(tab, out var songs) ? Top(songs, n) : [];

    /// <summary>The song's decayed count in the tab now (0: never played there).</summary>
    public double Plays(string tab, string songId) =>
        _tabs.TryGetValue(tab, out var songs) && songs.TryGetValue(songId, out var c) ? c.Count * Math.Exp(-_lambda * (_position - c.At)) : 0;

    /// <summary>The same over the listens of every tab.</summary>
    public IReadOnlyList<(string SongId, double Plays)> TopOverall(int n) => Top(_all, n);

    IReadOnlyList<(string SongId, double Plays)> Top(Dictionary<string, Decayed> songs, int n)
    {
        if (n <= 0) return [];
        var heap = new PriorityQueue<(string Id, double Plays), (double Plays, string Id)>(n + 1, Comparer<(double Plays, string Id)>.Create((a, b) =>
        {
            int c = a.Plays.CompareTo(b.Plays);
            return c != 0 ? c : string.CompareOrdinal(b.Id, a.Id);
        }));
        foreach (var (id, c) in songs)
        {
            double plays = c.Count * Math.Exp(-_lambda * (_position - c.At));
            heap.Enqueue((id, plays), (plays, id));
            if (heap.Count > n) heap.Dequeue();
        }
        var result = new (string, double)[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--) result[i] = heap.Dequeue();
        return result;
    }

    readonly record struct Decayed(double Count, long At);
}
