namespace KkboxNcf.Scorer.Scoring;

/// <summary>The best `capacity` (score, song) pairs seen, as a min-heap (the root is the worst kept).</summary>
sealed class TopHeap(int capacity)
{
    readonly float[] _scores = new float[capacity];
    readonly int[] _songs = new int[capacity];

    public int Count { get; private set; }

    /// <summary>The score a newcomer must beat: -inf while the heap is not full.</summary>
    public float Threshold => Count < capacity ? float.NegativeInfinity : _scores[0];

    public void Offer(float score, int song)
    {
        if (Count < capacity)
        {
            int i = Count++;
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Worse(score, song, _scores[parent], _songs[parent])) break;
                _scores[i] = _scores[parent];
                _songs[i] = _songs[parent];
                i = parent;
            }
            _scores[i] = score;
            _songs[i] = song;
            return;
        }
        if (!Worse(_scores[0], _songs[0], score, song)) return;
        int at = 0;
        while (true)
        {
            int left = 2 * at + 1;
            if (left >= Count) break;
            int child = left + 1 < Count && Worse(_scores[left + 1], _songs[left + 1], _scores[left], _songs[left]) ? left + 1 : left;
            if (!Worse(_scores[child], _songs[child], score, song)) break;
            _scores[at] = _scores[child];
            _songs[at] = _songs[child];
            at = child;
        }
        _scores[at] = score;
        _songs[at] = song;
    }

    public int[] Songs() => _songs.AsSpan(0, Count).ToArray();

    // ties: the higher song row counts as worse, so results do not depend on the scan order
    static bool Worse(float a, int songA, float b, int songB) => a < b || (a == b && songA > songB);
}
