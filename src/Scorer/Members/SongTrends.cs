namespace KkboxNcf.Scorer.Members;

/// <summary>
/// Popular and recently rising songs from the listens read. Popular: most listens overall. Rising:
/// most listens weighted by recency, each listen's weight halving every HalfLife listens of the
/// stream (stream time, so it is repeatable), which puts songs gaining listens now ahead of songs
/// that were popular long ago. Both feed the candidate stage and the fallback list. Single-threaded.
/// </summary>
public sealed class SongTrends(double halfLifeListens)
{
    readonly Dictionary<string, SongCount> _songs = new(StringComparer.Ordinal);
    readonly double _lambda = Math.Log(2) / halfLifeListens;
    long _position;

    public long Listens => _position;

    public void Record(string songId)
    {
        _position++;
        if (!_songs.TryGetValue(songId, out var c)) c = new SongCount();
        // decayed count kept as of the song's last listen; brought to now when read
        c.Recent = c.Recent * Math.Exp(-_lambda * (_position - c.LastAt)) + 1;
        c.LastAt = _position;
        c.Total++;
        _songs[songId] = c;
    }

    public IReadOnlyList<string> Popular(int n) => Top(n, c => c.Total);

    /// <summary>A song's share of all listens read (0 when never heard).</summary>
    public double Share(string songId) => _position == 0 || !_songs.TryGetValue(songId, out var c) ? 0 : (double)c.Total / _position;

    public IReadOnlyList<string> Rising(int n) => Top(n, c => c.Recent * Math.Exp(-_lambda * (_position - c.LastAt)));

    IReadOnlyList<string> Top(int n, Func<SongCount, double> score)
    {
        if (n <= 0) return [];
        var heap = new PriorityQueue<string, (double Score, string Id)>(n + 1, Comparer<(double Score, string Id)>.Create((a, b) =>
        {
            int c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : string.CompareOrdinal(b.Id, a.Id);
        }));
        foreach (var (id, c) in _songs)
        {
            heap.Enqueue(id, (score(c), id));
            if (heap.Count > n) heap.Dequeue();
        }
        var result = new string[heap.Count];
        for (int i = result.Length - 1; i >= 0; i--) result[i] = heap.Dequeue();
        return result;
    }

    struct SongCount
    {
        public long Total;
        public double Recent;
        public long LastAt;
    }
}
