namespace KkboxNcf.Data.Synth;

/// <summary>
/// Who listens to what, in which context, row by row in time order (train rows, then test rows).
/// A train row is a user's first listen of a song, so (user, song) pairs must be distinct. Users
/// and contexts are drawn per row from the row's own random stream (in parallel); songs are then
/// drawn per user shard (users are split into a fixed number of shards, each with its own set of
/// heard pairs, walked in row order), so both cores work and the result does not depend on the
/// thread count. Everything else per row (probability, label, text) is done when writing.
/// </summary>
public sealed class ListenPlan
{
    const int MaxTries = 40;
    const int Shards = 16;
    const double NewReleaseShare = 0.08;
    const float NewReleaseWindow = 0.04f;
    const ulong UserDrawStream = 20, SongDrawStream = 21;

    public int[] User { get; }
    public int[] Song { get; }
    public byte[] Context { get; }
    public long Rows => User.Length;

    public ListenPlan(SynthSize size, SynthCatalog catalog, SynthPopulation users, ulong seed, Action<string>? progress = null)
    {
        int n = checked((int)size.TotalRows);
        User = new int[n];
        Song = new int[n];
        Context = new byte[n];
        var contextTables = ContextTables();
        var userTable = new AliasTable(users.Activity);
        var contexts = SynthVocab.Contexts;
        int[] user = User, song = Song;
        byte[] context = Context;

        Parallel.For(0, n, row =>
        {
            var rng = Rng.For(seed, UserDrawStream, (ulong)row);
            float t = (float)((double)row / n);
            int u = DrawUser(userTable, users, t, ref rng);
            int era = rng.Chance(t) ? 1 : 0;
            user[row] = u;
            context[row] = (byte)contextTables[users.Archetype[u] * 2 + era].Sample(ref rng);
        });
        progress?.Invoke($"plan: users and contexts of {n:N0} rows drawn");

        int done = 0;
        Parallel.For(0, Shards, shard =>
        {
            var heard = new HashSet<long>();
            int a = size.ActiveSongs;
            for (int row = 0; row < n; row++)
            {
                int u = user[row];
                if (u % Shards != shard) continue;
                var rng = Rng.For(seed, SongDrawStream, (ulong)row);
                float t = (float)((double)row / n);
                int s = DrawSong(catalog, users, u, contexts[context[row]].TasteShare, t, heard, ref rng);
                song[row] = s >= 0 ? s : FallbackSong(catalog, u, t, heard, a, ref rng);
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
