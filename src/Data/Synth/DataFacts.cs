namespace KkboxNcf.Data.Synth;

/// <summary>One train row as the facts need it: who, what, from which tab, replayed or not.</summary>
public readonly record struct FactsRow(string Member, string Song, string Tab, int Target);

/// <summary>Listens and replay rate of one source_system_tab.</summary>
public sealed record TabFact(string Tab, int Listens, double Share, double ReplayRate);

/// <summary>
/// The facts of issue 13's table, measured on the first rows of a train.csv (real or generated),
/// so the generator can be compared with the real data on the same definitions:
/// sessions (runs of consecutive rows of one member), replay autocorrelation within a member,
/// tab mix and replay by tab, label drift, activity and song spread, cold start in the last 5%
/// ("test") rows, and how much a personal list beats a popular one on a 95/5 time split.
/// </summary>
public sealed record DataFacts
{
    public int Rows { get; init; }
    /// <summary>Share of rows (after the first) whose member is the previous row's member.</summary>
    public double SameMemberAsPrevious { get; init; }
    public double MeanRunLength { get; init; }
    /// <summary>Share of rows inside runs of 10 or more consecutive rows of one member.</summary>
    public double RowsInRunsOf10 { get; init; }
    /// <summary>P(target = 1) given that member's previous row had target 1 (resp. 0).</summary>
    public double ReplayAfterReplay { get; init; }
    public double ReplayAfterNoReplay { get; init; }
    public required IReadOnlyList<TabFact> Tabs { get; init; }
    public double PositiveRate { get; init; }
    public double PositiveRateFirst5 { get; init; }
    public double PositiveRateLast5 { get; init; }
    public int Members { get; init; }
    public int Songs { get; init; }
    public double ListensPerMemberMedian { get; init; }
    public int ListensPerMemberMax { get; init; }
    public double SongsHeardOnce { get; init; }
    /// <summary>Share of the last 5% of rows whose song (member) does not occur in the rows before them.</summary>
    public double TailSongAbsent { get; init; }
    public double TailMemberAbsent { get; init; }
    public long DuplicatePairs { get; init; }
    /// <summary>Later listens (last 5%) of members seen in the first 95%: the denominator of the hit rates.</summary>
    public int ListEvents { get; init; }
    /// <summary>HR@10 of "the 10 most played songs so far" (the member's heard songs left out).</summary>
    public double MostPlayedHitRate { get; init; }
    /// <summary>HR@10 of item-to-item co-listen neighbours (cosine over who heard what), heard songs left out.</summary>
    public double ItemItemHitRate { get; init; }

    public const int ListSize = 10;
    public const int LongRun = 10;

    /// <summary>Computes every fact from rows in file order (the file's clock).</summary>
    public static DataFacts Compute(IReadOnlyList<FactsRow> rows)
    {
        int n = rows.Count;
        if (n == 0) throw new ArgumentException("no rows to measure", nameof(rows));

        // Dense ids in order of first appearance keep every later step on arrays.
        var memberIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var songIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var m = new int[n];
        var s = new int[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = Id(memberIds, rows[i].Member);
            s[i] = Id(songIds, rows[i].Song);
        }

        // Runs of one member.
        int same = 0, runs = 0, inLong = 0, runStart = 0;
        for (int i = 1; i <= n; i++)
        {
            if (i < n && m[i] == m[i - 1]) { same++; continue; }
            runs++;
            if (i - runStart >= LongRun) inLong += i - runStart;
            runStart = i;
        }

        // Replay after the member's previous labelled row.
        var lastTarget = new int[memberIds.Count];
        Array.Fill(lastTarget, -1);
        long after1 = 0, pos1 = 0, after0 = 0, pos0 = 0, positives = 0, labelled = 0;
        for (int i = 0; i < n; i++)
        {
            int y = rows[i].Target;
            if (y is not (0 or 1)) continue;
            labelled++;
            positives += y;
            int prev = lastTarget[m[i]];
            if (prev == 1) { after1++; pos1 += y; }
            else if (prev == 0) { after0++; pos0 += y; }
            lastTarget[m[i]] = y;
        }

        var tabs = rows.GroupBy(r => r.Tab, StringComparer.Ordinal)
            .Select(g => new TabFact(g.Key, g.Count(), (double)g.Count() / n,
                Ratio(g.Count(r => r.Target == 1), g.Count(r => r.Target is 0 or 1))))
            .OrderByDescending(t => t.Listens).ThenBy(t => t.Tab, StringComparer.Ordinal).ToList();

        var perMember = new int[memberIds.Count];
        var perSong = new int[songIds.Count];
        for (int i = 0; i < n; i++) { perMember[m[i]]++; perSong[s[i]]++; }
        var sortedMember = perMember.Order().ToArray();
        int k = sortedMember.Length;
        double median = k % 2 == 1 ? sortedMember[k / 2] : (sortedMember[k / 2 - 1] + sortedMember[k / 2]) / 2.0;

        int tail = Math.Max(1, n / 20), split = n - tail;
        // First occurrence rows: a tail row's key is absent before the tail when it first occurs inside it.
        var firstMember = FirstRow(m, memberIds.Count);
        var firstSong = FirstRow(s, songIds.Count);
        int songAbsent = 0, memberAbsent = 0;
        for (int i = split; i < n; i++)
        {
            if (firstSong[s[i]] >= split) songAbsent++;
            if (firstMember[m[i]] >= split) memberAbsent++;
        }

        var pairs = new HashSet<long>();
        long duplicates = 0;
        for (int i = 0; i < n; i++) if (!pairs.Add((long)m[i] << 32 | (uint)s[i])) duplicates++;

        var (events, mostPlayed, itemItem) = ListHitRates(m, s, split, memberIds.Count, songIds.Count);

        return new DataFacts
        {
            Rows = n,
            SameMemberAsPrevious = n > 1 ? (double)same / (n - 1) : 0,
            MeanRunLength = (double)n / runs,
            RowsInRunsOf10 = (double)inLong / n,
            ReplayAfterReplay = Ratio(pos1, after1),
            ReplayAfterNoReplay = Ratio(pos0, after0),
            Tabs = tabs,
            PositiveRate = Ratio(positives, labelled),
            PositiveRateFirst5 = Rate(rows, 0, tail),
            PositiveRateLast5 = Rate(rows, split, n),
            Members = memberIds.Count,
            Songs = songIds.Count,
            ListensPerMemberMedian = median,
            ListensPerMemberMax = sortedMember[^1],
            SongsHeardOnce = (double)perSong.Count(c => c == 1) / perSong.Length,
            TailSongAbsent = (double)songAbsent / tail,
            TailMemberAbsent = (double)memberAbsent / tail,
            DuplicatePairs = duplicates,
            ListEvents = events,
            MostPlayedHitRate = mostPlayed,
            ItemItemHitRate = itemItem,
        };
    }

    /// <summary>
    /// Lists written at the split from the rows before it, judged on the rows after it: a later
    /// listen of a member seen before is a hit when its song is in that member's top 10. Both lists
    /// leave out the member's heard songs (a pair occurs once). Item-to-item scores a song s by
    /// sum over heard songs h of co(h, s) / sqrt(n_h n_s); summed member by member this is
    /// (1 / sqrt(n_s)) * sum over co-listeners m' of s of sum over shared songs h of 1 / sqrt(n_h),
    /// which costs one pass over the rows per member instead of a song x song table.
    /// </summary>
    static (int Events, double MostPlayed, double ItemItem) ListHitRates(int[] m, int[] s, int split, int members, int songs)
    {
        var heard = new List<int>[members];
        var listeners = new List<int>[songs];
        var count = new int[songs];
        for (int i = 0; i < split; i++)
        {
            (heard[m[i]] ??= new List<int>()).Add(s[i]);
            (listeners[s[i]] ??= new List<int>()).Add(m[i]);
            count[s[i]]++;
        }
        var byCount = Enumerable.Range(0, songs).Where(x => count[x] > 0)
            .OrderByDescending(x => count[x]).ThenBy(x => x).ToArray();

        var future = new Dictionary<int, List<int>>();
        for (int i = split; i < m.Length; i++)
            if (heard[m[i]] is not null)
            {
                if (!future.TryGetValue(m[i], out var list)) future[m[i]] = list = new List<int>();
                list.Add(s[i]);
            }

        int events = 0, hitsPopular = 0, hitsItem = 0;
        var weight = new double[members];
        var score = new double[songs];
        var touchedMembers = new List<int>();
        var touchedSongs = new List<int>();
        var heardSet = new HashSet<int>();
        foreach (var (member, later) in future.OrderBy(kv => kv.Key))
        {
            heardSet.Clear();
            heardSet.UnionWith(heard[member]);
            var popular = new HashSet<int>(byCount.Where(x => !heardSet.Contains(x)).Take(ListSize));

            foreach (int h in heard[member])
            {
                double wh = 1 / Math.Sqrt(count[h]);
                foreach (int other in listeners[h])
                {
                    if (weight[other] == 0) touchedMembers.Add(other);
                    weight[other] += wh;
                }
            }
            foreach (int other in touchedMembers)
            {
                foreach (int x in heard[other])
                {
                    if (heardSet.Contains(x)) continue;
                    if (score[x] == 0) touchedSongs.Add(x);
                    score[x] += weight[other] / Math.Sqrt(count[x]);
                }
                weight[other] = 0;
            }
            touchedMembers.Clear();
            var neighbours = new HashSet<int>(touchedSongs.OrderByDescending(x => score[x]).ThenByDescending(x => count[x]).ThenBy(x => x).Take(ListSize));
            foreach (int x in touchedSongs) score[x] = 0;
            touchedSongs.Clear();

            foreach (int song in later)
            {
                events++;
                if (popular.Contains(song)) hitsPopular++;
                if (neighbours.Contains(song)) hitsItem++;
            }
        }
        return (events, Ratio(hitsPopular, events), Ratio(hitsItem, events));
    }

    static int Id(Dictionary<string, int> ids, string key)
    {
        if (!ids.TryGetValue(key, out int id)) ids[key] = id = ids.Count;
        return id;
    }

    static int[] FirstRow(int[] keys, int count)
    {
        var first = new int[count];
        Array.Fill(first, -1);
        for (int i = 0; i < keys.Length; i++) if (first[keys[i]] < 0) first[keys[i]] = i;
        return first;
    }

    static double Rate(IReadOnlyList<FactsRow> rows, int from, int to)
    {
        long pos = 0, n = 0;
        for (int i = from; i < to; i++) if (rows[i].Target is 0 or 1) { n++; pos += rows[i].Target; }
        return Ratio(pos, n);
    }

    static double Ratio(double a, double b) => b == 0 ? double.NaN : a / b;
}
