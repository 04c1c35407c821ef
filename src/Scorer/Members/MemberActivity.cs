using KkboxNcf.Contracts;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Scorer.Members;

/// <summary>
/// What the Scorer learns about members from the listens it reads: how often each listening context
/// was used (the most frequent one is the "usual" list's context), which songs they heard (and the
/// last few in order), their
/// newest listen's ProducedAtMs, and the partition their listens come from. Song ids and contexts
/// are interned, so millions of listens cost one string per distinct song. Single-threaded.
/// </summary>
public sealed class MemberActivity(int recentSongs = MemberActivity.DefaultRecentSongs)
{
    readonly Dictionary<string, MemberState> _members = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _songIds = new(StringComparer.Ordinal);
    readonly Dictionary<ListeningContext, ListeningContext> _contexts = new();

    public int Count => _members.Count;

    public long Listens { get; private set; }

    public IEnumerable<string> Members => _members.Keys;

    public void Record(ListenRecorded listen, int partition)
    {
        if (!_members.TryGetValue(listen.Msno, out var state))
        {
            state = new MemberState(RecentSongs);
            _members.Add(listen.Msno, state);
        }
        var context = Intern(new ListeningContext(listen.SourceSystemTab, listen.SourceScreenName, listen.SourceType));
        state.Contexts[context] = state.Contexts.GetValueOrDefault(context) + 1;
        var song = Intern(listen.SongId);
        state.Heard.Add(song);
        state.Remember(song);
        state.NewestProducedAtMs = Math.Max(state.NewestProducedAtMs, listen.ProducedAtMs);
        state.Partition = partition;
        Listens++;
    }

    public bool Knows(string msno) => _members.ContainsKey(msno);

    /// <summary>The member's most frequent listening context (ties: the one seen first), or the fallback.</summary>
    public ListeningContext UsualContext(string msno, ListeningContext fallback)
    {
        if (!_members.TryGetValue(msno, out var state) || state.Contexts.Count == 0) return fallback;
        var best = fallback;
        int count = 0;
        foreach (var (context, n) in state.Contexts)
            if (n > count) { best = context; count = n; }
        return best;
    }

    public IReadOnlyCollection<string> Heard(string msno) => HeardSet(msno);

    static readonly HashSet<string> NoSongs = new(StringComparer.Ordinal);

    public IReadOnlySet<string> HeardSet(string msno) => _members.TryGetValue(msno, out var state) ? state.Heard : NoSongs;

    public long NewestProducedAtMs(string msno) => _members.TryGetValue(msno, out var state) ? state.NewestProducedAtMs : 0;

    /// <summary>The partition the member's listens were read from, when any was.</summary>
    public int? PartitionOf(string msno) => _members.TryGetValue(msno, out var state) ? state.Partition : null;

    /// <summary>Forgets the members of partitions this instance no longer owns (their new owner learns them).</summary>
    public int Forget(IReadOnlySet<int> partitions)
    {
        var gone = _members.Where(kv => partitions.Contains(kv.Value.Partition)).Select(kv => kv.Key).ToList();
        foreach (var msno in gone) _members.Remove(msno);
        return gone.Count;
    }

    /// <summary>
    /// Recent songs kept per member by default (Scorer:CoListenHistory): for the listen head's member
    /// vector (models use up to their HistoryLength of them) and the co-listen term, whose neighbours are
    /// built from and scored over these. Bounded because a neighbours build costs the sum over members of
    /// these squared, which the heaviest members would dominate if all their songs counted.
    /// </summary>
    public const int DefaultRecentSongs = 500;

    /// <summary>Recent songs kept per member.</summary>
    public int RecentSongs { get; } = recentSongs >= 1 ? recentSongs : throw new ArgumentOutOfRangeException(nameof(recentSongs), recentSongs, "keep at least one recent song");

    /// <summary>The member's last RecentSongs songs, most recent first (fewer when they heard fewer).</summary>
    public IReadOnlyList<string> Recent(string msno) =>
        _members.TryGetValue(msno, out var state) ? state.RecentFirst() : [];

    public MemberToScore ToScore(string msno, ListeningContext fallback) =>
        new(msno, UsualContext(msno, fallback), Heard(msno), NewestProducedAtMs(msno)) { Recent = Recent(msno) };

    string Intern(string id)
    {
        if (_songIds.TryGetValue(id, out var same)) return same;
        _songIds.Add(id, id);
        return id;
    }

    ListeningContext Intern(ListeningContext c)
    {
        if (_contexts.TryGetValue(c, out var same)) return same;
        _contexts.Add(c, c);
        return c;
    }

    sealed class MemberState(int bound)
    {
        public readonly Dictionary<ListeningContext, int> Contexts = new();
        public readonly HashSet<string> Heard = new(StringComparer.Ordinal);
        // the recent songs as a ring (a listen costs O(1) however many are kept), grown on demand up to
        // the bound, so the many members with a few listens keep a few; _next is where the next song goes
        string[] _ring = new string[Math.Min(4, bound)];
        int _next, _count;

        public void Remember(string song)
        {
            if (_count == _ring.Length && _ring.Length < bound)
            {
                // a full ring's oldest song is at _next: lay them out oldest first
                var grown = new string[Math.Min(bound, _ring.Length * 2)];
                for (int i = 0; i < _count; i++) grown[i] = _ring[(_next + i) % _ring.Length];
                _ring = grown;
                _next = _count;
            }
            _ring[_next] = song;
            _next = (_next + 1) % _ring.Length;
            if (_count < _ring.Length) _count++;
        }

        /// <summary>The recent songs, most recent first.</summary>
        public string[] RecentFirst()
        {
            var songs = new string[_count];
            for (int i = 0; i < _count; i++) songs[i] = _ring[(_next - 1 - i + _ring.Length) % _ring.Length];
            return songs;
        }
        public long NewestProducedAtMs;
        public int Partition;
    }
}
