namespace KkboxNcf.Data.Synth;

/// <summary>
/// Who listens to what, in which context, row by row in time order (train rows, then test rows).
/// Members listen in sessions: a visit in one context, of a heavy-tailed length, with a mood that
/// shifts every replay of the visit (so replays are autocorrelated), playing songs of one focus (a
/// playlist played in order, or an artist's hits) and of the member's favourite playlists and
/// artists (so a member's next song is predictable from their history and from members who play
/// the same playlists). A few sessions are open at once and the
/// stream switches between them, as the real file interleaves members; some sessions play on
/// uninterrupted. A member often comes back a few thousand rows later (a day of listening), so a
/// window of rows holds few members with several listens each, and new members and songs keep
/// arriving. A train row is a user's first listen of a song, so (user, song) pairs are distinct.
/// Sessions are laid out sequentially with one random stream; songs are then drawn in parallel per
/// user shard with a stream per row, so a seed gives the same plan whatever the thread count.
/// </summary>
public sealed class ListenPlan
{
    const ulong PlanStream = 20, SongDrawStream = 21, TrendStream = 22;
    // What everyone plays at a time: a few playlists (new albums, charts) change every TrendRows rows
    // and take a share of sessions and songs, so members of the same hours share songs.
    const int TrendRows = 50_000, TrendingPlaylists = 12;
    const double TrendShare = 0.08;
    const int Shards = 16;
    const int MaxTries = 24;
    const double NewReleaseShare = 0.06;
    const float NewReleaseWindow = 0.04f;

    // Interleaving: sessions open at once, and the chance the next row stays in the current one.
    const int OpenSessions = 5;
    const double BingeShare = 0.22, BingeStick = 0.93, Stick = 0.6, BingeLength = 2;
    // Session length: lognormal around a median that grows with the member's activity.
    const double LengthMedian = 1.9, LengthSigma = 0.8, LengthActivityPower = 0.25;
    const int MaxSession = 100;
    // Coming back: chance of another visit after one, and the mean gap in rows.
    const double ReturnChance = 0.36, ReturnGapRows = 4_000;
    // Share of a session's songs from its focus (an artist or a playlist).
    const double FocusShare = 0.85;
    // Of the other songs, the share from the member's (or their clusters') artists and playlists; the rest are charts.
    const double TasteSourceShare = 0.75;
    public const double MoodSd = 1.9;

    public int[] User { get; }
    public int[] Song { get; }
    public byte[] Context { get; }
    /// <summary>The session's mood: added to the replay logit of every row of the session.</summary>
    public float[] Mood { get; }
    public long Rows => User.Length;

    struct Session
    {
        public int User;
        public byte Context;
        public int Left;
        public double Stick;
        public float Mood;
    }

    readonly SynthCatalog _cat;
    readonly SynthPopulation _users;
    readonly int[][] _trending;
    readonly int _rows;

    public ListenPlan(SynthSize size, SynthCatalog catalog, SynthPopulation users, ulong seed, Action<string>? progress = null)
    {
        _cat = catalog;
        _users = users;
        int n = checked((int)size.TotalRows);
        _rows = n;
        _trending = new int[n / TrendRows + 1][];
        for (int e = 0; e < _trending.Length; e++)
        {
            var tr = Rng.For(seed, TrendStream, (ulong)e);
            _trending[e] = Enumerable.Range(0, TrendingPlaylists).Select(_ => catalog.GlobalPlaylists.Sample(ref tr)).ToArray();
        }
        User = new int[n];
        Song = new int[n];
        Context = new byte[n];
        Mood = new float[n];
        var sessionOf = new int[n];
        var focus = new List<int>();
        var firstTrack = new List<int>();
        var contextTables = ContextTables();
        var userTable = new AliasTable(users.Activity);
        var contexts = SynthVocab.Contexts;
        var rng = Rng.For(seed, PlanStream, 0);
        var returns = new PriorityQueue<int, long>();
        var open = new Session[OpenSessions];
        var openId = new int[OpenSessions];
        var listens = new int[users.Count];
        int cap = Math.Max(1, size.ActiveSongs / 2);

        // Pass 1, sequential: who listens when, in which session and context.
        Session Open(int row, int slot)
        {
            float t = (float)((double)row / n);
            int u = returns.TryPeek(out _, out long due) && due <= row ? returns.Dequeue() : DrawUser(userTable, users, t, ref rng);
            // A member keeps to at most half the listenable songs, so the small sizes never run out of
            // songs a heavy member has not heard yet.
            while (listens[u] >= cap) u = DrawUser(userTable, users, t, ref rng);
            int era = rng.Chance(t) ? 1 : 0;
            byte c = (byte)contextTables[users.Archetype[u] * 2 + era].Sample(ref rng);
            double median = LengthMedian * Math.Pow(Math.Max(users.Activity[u], 0.05), LengthActivityPower);
            bool binge = rng.Chance(BingeShare);
            int length = (int)Math.Clamp(Math.Ceiling(median * (binge ? BingeLength : 1) * Math.Exp(LengthSigma * rng.Normal())), 1, Math.Min(MaxSession, cap - listens[u]));
            listens[u] += length; // reserved when the visit opens, so open visits together stay under the cap
            openId[slot] = focus.Count;
            int source = Source(u, contexts[c].TasteShare, row, ref rng);
            focus.Add(source);
            // Most playlist sessions start at the top, some somewhere inside (shuffle, a track picked).
            firstTrack.Add(source < 0 && rng.Chance(0.3) ? rng.Next(catalog.Playlists[~source].Length) : 0);
            return new Session
            {
                User = u,
                Context = c,
                Left = length,
                Stick = binge ? BingeStick : Stick,
                Mood = (float)(MoodSd * rng.Normal()),
            };
        }

        for (int k = 0; k < OpenSessions; k++) open[k] = Open(0, k);
        int current = 0;
        for (int row = 0; row < n; row++)
        {
            if (!rng.Chance(open[current].Stick))
            {
                int other = rng.Next(OpenSessions - 1);
                current = other >= current ? other + 1 : other;
            }
            ref var session = ref open[current];
            User[row] = session.User;
            Context[row] = session.Context;
            Mood[row] = session.Mood;
            sessionOf[row] = openId[current];
            if (--session.Left == 0)
            {
                if (rng.Chance(ReturnChance)) returns.Enqueue(session.User, row + 1 + (long)(ReturnGapRows * -Math.Log(1 - rng.NextDouble())));
                session = Open(row + 1, current);
            }
        }
        progress?.Invoke($"plan: {focus.Count:N0} sessions of {n:N0} rows laid out");

        // Pass 2, parallel over user shards (each with its own heard pairs and its users' sessions),
        // rows walked in order with a random stream per row: the same songs whatever the thread count.
        var sessionFocus = focus.ToArray();
        var sessionTrack = firstTrack.ToArray();
        int a = size.ActiveSongs, done = 0;
        int[] user = User, song = Song;
        byte[] context = Context;
        Parallel.For(0, Shards, shard =>
        {
            var heard = new HashSet<long>();
            for (int row = 0; row < n; row++)
            {
                int u = user[row];
                if (u % Shards != shard) continue;
                var r = Rng.For(seed, SongDrawStream, (ulong)row);
                float t = (float)((double)row / n);
                var ctx = contexts[context[row]];
                int s = DrawSong(u, ref sessionFocus[sessionOf[row]], ref sessionTrack[sessionOf[row]], ctx, row, heard, ref r);
                song[row] = s >= 0 ? s : FallbackSong(u, t, heard, a, ref r);
            }
            int finished = Interlocked.Increment(ref done);
            if (finished % 4 == 0) progress?.Invoke($"plan: songs drawn for {finished} of {Shards} user shards");
        });
    }

    static int DrawUser(AliasTable table, SynthPopulation users, float t, ref Rng rng)
    {
        // Users who join late (cold start) are redrawn until their time has come.
        for (int i = 0; ; i++)
        {
            int u = table.Sample(ref rng);
            if (users.Activity[u] > 0 && (users.Join[u] <= t || i > 200)) return u;
        }
    }

    /// <summary>
    /// Where a session's songs come from, a favourite artist (>= 0) or playlist (~index, < 0) of
    /// the member when the member chooses (the context's taste share), otherwise a playlist or
    /// artist of one of the member's clusters that the service puts forward.
    /// </summary>
    int Source(int u, double tasteShare, int row, ref Rng rng)
    {
        if (rng.Chance(TrendShare)) { var hot = _trending[row / TrendRows]; return ~hot[rng.Next(hot.Length)]; }
        if (rng.Chance(tasteShare))
        {
            var own = rng.Chance(0.3) ? _users.FavouriteArtists[u] : _users.FavouritePlaylists[u];
            double x = rng.NextDouble();
            int pick = own[(int)(own.Length * x * x)];
            return ReferenceEquals(own, _users.FavouriteArtists[u]) ? pick : ~pick;
        }
        var cum = _users.FavouriteCumulative[u];
        double y = rng.NextDouble();
        int f = 0;
        while (f < cum.Length - 1 && y >= cum[f]) f++;
        int cluster = _users.FavouriteClusters[u][f];
        return rng.Chance(0.7)
            ? ~_cat.ClusterPlaylistIndex[cluster][_cat.ClusterPlaylists[cluster].Sample(ref rng)]
            : _cat.ClusterArtistIndex[cluster][_cat.ClusterArtists[cluster].Sample(ref rng)];
    }

    int SongOf(int source, ref Rng rng) => source >= 0 ? _cat.SongOfArtist(source, ref rng) : _cat.SongOfPlaylist(~source, ref rng);

    /// <summary>
    /// The next song of a session: mostly from its focus, a playlist played in order (so members who
    /// play the same playlist hear the same tracks next to each other) or an artist's hits; else
    /// from another of the member's sources, a new release, or the charts.
    /// </summary>
    int DrawSong(int u, ref int focus, ref int track, SynthContext ctx, int row, HashSet<long> heard, ref Rng rng)
    {
        float t = (float)((double)row / _rows);
        for (int i = 0; i < MaxTries; i++)
        {
            int s;
            double x = rng.NextDouble();
            bool fromFocus = x < FocusShare;
            if (fromFocus && focus < 0)
            {
                var list = _cat.Playlists[~focus];
                if (track >= list.Length)
                {
                    // Played through: the session moves on to another source.
                    focus = Source(u, ctx.TasteShare, row, ref rng);
                    track = 0;
                    continue;
                }
                s = list[track++];
            }
            else if (fromFocus) s = _cat.SongOfArtist(focus, ref rng);
            else if (ctx.IsDiscovery && x < FocusShare + NewReleaseShare && TryNewRelease(t, ref rng, out s)) { }
            else if (rng.Chance(TasteSourceShare)) s = SongOf(Source(u, ctx.TasteShare, row, ref rng), ref rng);
            else s = _cat.GlobalSongs.Sample(ref rng);
            if (s < 0 || _cat.SongRelease[s] > t) continue;
            if (heard.Add((long)u * _cat.Size.ActiveSongs + s)) return s;
            // The artist is worn out for this member: the session moves on to another source.
            if (fromFocus && focus >= 0 && i % 3 == 2) { focus = Source(u, ctx.TasteShare, row, ref rng); track = 0; }
        }
        return -1;
    }

    /// <summary>A song released in the last few percent of the timeline: new releases get played (drift, cold start).</summary>
    bool TryNewRelease(float t, ref Rng rng, out int song)
    {
        var times = _cat.LateReleaseTimes;
        int hi = UpperBound(times, t);
        int lo = UpperBound(times, t - NewReleaseWindow);
        song = -1;
        if (hi <= lo) return false;
        song = _cat.LateReleases[lo + rng.Next(hi - lo)];
        return true;
    }

    int FallbackSong(int u, float t, HashSet<long> heard, int a, ref Rng rng)
    {
        for (int i = 0; i < 64; i++)
        {
            int s = _cat.GlobalSongs.Sample(ref rng);
            if (_cat.SongRelease[s] <= t && heard.Add((long)u * a + s)) return s;
        }
        int start = rng.Next(a);
        for (int i = 0; i < a; i++)
        {
            int s = (start + i) % a;
            if (_cat.SongRelease[s] <= t && heard.Add((long)u * a + s)) return s;
        }
        throw new InvalidOperationException($"user {u} has heard every released song: the size has too few active songs");
    }

    static int UpperBound(float[] sorted, float value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Context mixes per (archetype, era): collectors live in their library, explorers in discover, ...</summary>
    static AliasTable[] ContextTables()
    {
        var tables = new AliasTable[SynthPopulation.Archetypes * 2];
        for (int a = 0; a < SynthPopulation.Archetypes; a++)
            for (int era = 0; era < 2; era++)
            {
                var w = SynthVocab.Contexts.Select(c => (era == 0 ? c.EarlyWeight : c.LateWeight) * Multiplier(a, c.Tab)).ToArray();
                tables[a * 2 + era] = new AliasTable(w);
            }
        return tables;
    }

    static double Multiplier(int archetype, string tab) => (archetype, tab) switch
    {
        (0, "my library") => 2.2,
        (1, "discover") => 1.8,
        (1, "explore") => 2.0,
        (2, "radio") => 2.5,
        (2, "listen with") => 2.0,
        (3, "search") => 2.5,
        _ => 1.0,
    };
}
