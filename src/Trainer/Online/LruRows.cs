namespace KkboxNcf.Trainer.Online;

/// <summary>
/// Rows of one vocabulary ordered by when they were last seen (a doubly linked list over row
/// numbers, O(1) per touch). The oldest row not touched in the current round is what the cap recycles.
/// </summary>
public sealed class LruRows
{
    const int None = -1;
    readonly List<int> _prev = [];
    readonly List<int> _next = [];
    readonly List<long> _round = [];
    int _head = None, _tail = None;
    long _currentRound;

    public int Count { get; private set; }

    /// <summary>Starts a round: rows touched from now on are not recycled until the next round.</summary>
    public void NextRound() => _currentRound++;

    public void Touch(int row)
    {
        while (_prev.Count <= row)
        {
            _prev.Add(None);
            _next.Add(None);
            _round.Add(0);
        }
        if (Linked(row)) Unlink(row);
        else Count++;
        _prev[row] = _tail;
        _next[row] = None;
        if (_tail != None) _next[_tail] = row;
        else _head = row;
        _tail = row;
        _round[row] = _currentRound;
    }

    /// <summary>The least recently seen row, unless every row was touched this round (then null).</summary>
    public int? Oldest() => _head != None && _round[_head] != _currentRound ? _head : null;

    /// <summary>Rows from least to most recently seen.</summary>
    public IEnumerable<int> Order()
    {
        for (int r = _head; r != None; r = _next[r]) yield return r;
    }

    bool Linked(int row) => row == _head || _prev[row] != None;

    void Unlink(int row)
    {
        int p = _prev[row], n = _next[row];
        if (p != None) _next[p] = n; else _head = n;
        if (n != None) _prev[n] = p; else _tail = p;
        _prev[row] = _next[row] = None;
    }

    public void Write(BinaryWriter w)
    {
        w.Write(Count);
        foreach (int r in Order()) w.Write(r);
    }

    public static LruRows Read(BinaryReader r)
    {
        var lru = new LruRows();
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++) lru.Touch(r.ReadInt32());
        if (lru.Count != n) throw new InvalidDataException("a row appears twice in the recency order");
        return lru;
    }
}
