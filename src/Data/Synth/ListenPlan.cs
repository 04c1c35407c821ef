namespace KkboxNcf.Data.Synth;

/// <summary>
/// Who listens to what, in which context, row by row in time order (train rows, then test rows).
/// Sequential because a train row is a user's first listen of a song: the (user, song) pairs must be
/// distinct, which needs one shared set. Everything per row that does not need that state (the
/// replay probability, the label, the text) is done later in parallel.
/// </summary>
public sealed class ListenPlan
{
    const int MaxTries = 40;
    const double NewReleaseShare = 0.08;
    const float NewReleaseWindow = 0.04f;

    public int[] User { get; }
    public int[] Song { get; }
    public byte[] Context { get; }
    public long Rows => User.Length;

    public ListenPlan(SynthSize size, SynthCatalog catalog, SynthPopulation users, ulong seed, Action<long>? progress = null)
    {
        long n = size.TotalRows;
        User = new int[n];
        Song = new int[n];
        Context = new byte[n];
        var contextTables = ContextTables();
        var userTable = new AliasTable(users.Activity);
        var seen = new HashSet<long>((int)Math.Min(n, int.MaxValue / 2));
        var rng = Rng.For(seed, 20, 0);
        int A = size.ActiveSongs;
        var contexts = SynthVocab.Contexts;

        for (long row = 0; row < n; row++)
        {
            if (progress is not null && (row & ((1 << 20) - 1)) == 0) progress(row);
            float t = (float)((double)row / n);
            int u = DrawUser(userTable, users, t, ref rng);
            int era = rng.Chance(t) ? 1 : 0;
            int c = contextTables[users.Archetype[u] * 2 + era].Sample(ref rng);
            int s = DrawSong(catalog, users, u, contexts[c].TasteShare, t, seen, ref rng);
            if (s < 0) s = FallbackSong(catalog, u, t, seen, A, ref rng);
            User[row] = u;
            Song[row] = s;
            Context[row] = (byte)c;
        }
        progress?.Invoke(n);
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

    static int DrawSong(SynthCatalog cat, SynthPopulation users, int u, double tasteShare, float t, HashSet<long> seen, ref Rng rng)
    {
        for (int i = 0; i < MaxTries; i++)
        {
            int s;
            double x = rng.NextDouble();
            if (x < NewReleaseShare && TryNewRelease(cat, t, ref rng, out s)) { }
            else if (rng.Chance(tasteShare))
            {
                var cum = users.FavouriteCumulative[u];
                double y = rng.NextDouble();
                int f = 0;
                while (f < cum.Length - 1 && y >= cum[f]) f++;
                int cluster = users.FavouriteClusters[u][f];
                s = cat.ClusterSongIndex[cluster][cat.ClusterSongs[cluster].Sample(ref rng)];
            }
            else s = cat.GlobalSongs.Sample(ref rng);
            if (cat.SongRelease[s] > t) continue;
            if (seen.Add((long)u * cat.Size.ActiveSongs + s)) return s;
        }
        return -1;
    }

    /// <summary>A song released in the last few percent of the timeline: new releases get played (drift, cold start).</summary>
    static bool TryNewRelease(SynthCatalog cat, float t, ref Rng rng, out int song)
    {
        var times = cat.LateReleaseTimes;
        int hi = UpperBound(times, t);
        int lo = UpperBound(times, t - NewReleaseWindow);
        song = -1;
        if (hi <= lo) return false;
        song = cat.LateReleases[lo + rng.Next(hi - lo)];
        return true;
    }

    static int FallbackSong(SynthCatalog cat, int u, float t, HashSet<long> seen, int a, ref Rng rng)
    {
        int start = rng.Next(a);
        for (int i = 0; i < a; i++)
        {
            int s = (start + i) % a;
            if (cat.SongRelease[s] <= t && seen.Add((long)u * a + s)) return s;
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
