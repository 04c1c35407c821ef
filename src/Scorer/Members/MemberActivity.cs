using KkboxNcf.Contracts;
using KkboxNcf.Scorer.Scoring;

namespace KkboxNcf.Scorer.Members;

/// <summary>
/// What the Scorer learns about members from the listens it reads: how often each listening context
/// was used (the most frequent one is the "usual" list's context), which songs they heard, their
/// newest listen's ProducedAtMs, and the partition their listens come from. Song ids and contexts
/// are interned, so millions of listens cost one string per distinct song. Single-threaded.
/// </summary>
public sealed class MemberActivity
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
            state = new MemberState();
            _members.Add(listen.Msno, state);
        }
        var context = Intern(new ListeningContext(listen.SourceSystemTab, listen.SourceScreenName, listen.SourceType));
        state.Contexts[context] = state.Contexts.GetValueOrDefault(context) + 1;
        state.Heard.Add(Intern(listen.SongId));
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

    public MemberToScore ToScore(string msno, ListeningContext fallback) =>
        new(msno, UsualContext(msno, fallback), Heard(msno), NewestProducedAtMs(msno));

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

    sealed class MemberState
    {
        public readonly Dictionary<ListeningContext, int> Contexts = new();
        public readonly HashSet<string> Heard = new(StringComparer.Ordinal);
        public long NewestProducedAtMs;
        public int Partition;
    }
}
