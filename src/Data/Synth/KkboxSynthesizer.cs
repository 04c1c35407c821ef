using System.Buffers.Text;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KkboxNcf.Data.Evaluation;

namespace KkboxNcf.Data.Synth;

/// <summary>
/// Writes the five KKBOX files, train_truth.csv, test_truth.csv and synth.json for a size and a
/// seed. Deterministic for a seed: all randomness comes from counter-based streams keyed by entity
/// or row, so the parallel parts give the same bytes whatever the thread count. See docs/data.md.
/// </summary>
public sealed class KkboxSynthesizer(SynthSize size, ulong seed, Action<string>? log = null)
{
    const int ChunkRows = 1 << 16;
    const ulong UserIdStream = 50, SongIdStream = 51, RowStream = 60, SongFileStream = 61, MemberOrderStream = 62;

    // Quirk rates of the real files (kkbox-format.md).
    const double BlankTabAndType = 0.003, BlankScreen = 0.028;
    const double SongMissingFromSongs = 0.002, SongMissingFromExtras = 0.0005;
    const double EmptyGenre = 0.02, EmptyIsrc = 0.13;

    public SynthSummary Generate(string outDir, CancellationToken ct = default)
    {
        var total = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);
        var phase = Stopwatch.StartNew();
        var catalog = new SynthCatalog(size, seed);
        var users = new SynthPopulation(size, catalog, seed);
        var userIds = Ids(UserIdStream, users.Count);
        var songIds = Ids(SongIdStream, size.CatalogSongs);
        Log($"world: {size.CatalogSongs:N0} songs, {size.Artists:N0} artists, {users.Count:N0} users in {phase.Elapsed.TotalSeconds:F1} s");
        ct.ThrowIfCancellationRequested();

        phase.Restart();
        var plan = new ListenPlan(size, catalog, users, seed, size.TotalRows >= 1_000_000 ? Log : null);
        Log($"plan: {plan.Rows:N0} listens in {phase.Elapsed.TotalSeconds:F1} s");
        ct.ThrowIfCancellationRequested();

        phase.Restart();
        long members = WriteMembers(outDir, users, userIds);
        var (songsRows, extraRows) = WriteSongs(outDir, catalog, songIds, ct);
        Log($"members.csv, songs.csv, song_extra_info.csv in {phase.Elapsed.TotalSeconds:F1} s");

        phase.Restart();
        var model = new ReplayModel(catalog, users, seed);
        var p = new float[plan.Rows];
        var pCollaborative = new float[plan.Rows];
        var y = new byte[plan.Rows];
        WriteListens(outDir, plan, model, userIds, songIds, p, pCollaborative, y, ct);
        Log($"train.csv, test.csv and truth files in {phase.Elapsed.TotalSeconds:F1} s");

        var summary = Summarise(plan, users, p, pCollaborative, y) with
        {
            Size = size.Name,
            Seed = seed,
            MembersRows = members,
            SongsRows = songsRows,
            SongExtraRows = extraRows,
            Seconds = Math.Round(total.Elapsed.TotalSeconds, 1),
        };
        File.WriteAllText(Path.Combine(outDir, "synth.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }

    void Log(string message) => log?.Invoke(message);

    /// <summary>44-character base64 ids (32 random bytes), like the real msno and song_id.</summary>
    byte[] Ids(ulong stream, int count)
    {
        var ids = new byte[count * 44L];
        Parallel.For(0, count, i =>
        {
            var r = Rng.For(seed, stream, (ulong)i);
            Span<byte> raw = stackalloc byte[32];
            for (int k = 0; k < 4; k++) BitConverter.TryWriteBytes(raw[(k * 8)..], r.NextULong());
            Base64.EncodeToUtf8(raw, ids.AsSpan(i * 44, 44), out _, out _);
        });
        return ids;
    }

    static ReadOnlySpan<byte> Id(byte[] ids, int i) => ids.AsSpan(i * 44, 44);

    long WriteMembers(string dir, SynthPopulation users, byte[] userIds)
    {
        var order = Permutation(users.Members, MemberOrderStream);
        var b = new CsvBuffer(1 << 20);
        b.Bytes(Encoding.UTF8.GetBytes(KkboxSchema.Members.Header)).NewLine();
        foreach (int u in order)
        {
            b.Bytes(Id(userIds, u)).Comma().Int(users.City[u]).Comma().Int(users.Bd[u]).Comma().Text(users.Gender[u]).Comma()
             .Int(users.RegisteredVia[u]).Comma().Int(users.RegistrationDate[u]).Comma().Int(users.ExpirationDate[u]).NewLine();
        }
        File.WriteAllBytes(Path.Combine(dir, KkboxSchema.Members.FileName), b.Written.ToArray());
        return order.Length;
    }

    (long Songs, long Extras) WriteSongs(string dir, SynthCatalog cat, byte[] songIds, CancellationToken ct)
    {
        var order = Permutation(size.CatalogSongs, SongFileStream);
        long songs = 0, extras = 0;
        var genreText = cat.GenreIds.Select(g => Encoding.UTF8.GetBytes(g.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var languageText = SynthVocab.Languages.Select(l => Encoding.UTF8.GetBytes(l.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        ChunkedWriter.Write(
            [Path.Combine(dir, KkboxSchema.Songs.FileName), Path.Combine(dir, KkboxSchema.SongExtras.FileName)],
            [KkboxSchema.Songs.Header, KkboxSchema.SongExtras.Header],
            order.Length, ChunkRows, ct,
            (start, end, buffers) =>
            {
                var (sb, eb) = (buffers[0], buffers[1]);
                long ns = 0, ne = 0;
                for (long i = start; i < end; i++)
                {
                    int s = order[i];
                    var r = Rng.For(seed, SongFileStream, (ulong)s);
                    // Only listenable songs go missing, so catalogue-only songs keep every pool name in songs.csv.
                    bool inSongs = !r.Chance(SongMissingFromSongs) || s >= size.ActiveSongs;
                    bool inExtras = !r.Chance(SongMissingFromExtras);
                    var id = Id(songIds, s);
                    if (inSongs)
                    {
                        ns++;
                        sb.Bytes(id).Comma().Int(cat.SongLengthMs[s]).Comma();
                        if (!r.Chance(EmptyGenre))
                        {
                            sb.Bytes(genreText[cat.SongGenre[s]]);
                            if (cat.SongGenre2[s] >= 0) sb.Byte((byte)'|').Bytes(genreText[cat.SongGenre2[s]]);
                        }
                        sb.Comma().Text(cat.ArtistNames[cat.SongArtist[s]]).Comma();
                        if (cat.SongComposer[s] >= 0) sb.Text(cat.ComposerNames[cat.SongComposer[s]]);
                        sb.Comma();
                        if (cat.SongLyricist[s] >= 0) sb.Text(cat.LyricistNames[cat.SongLyricist[s]]);
                        sb.Comma().Bytes(languageText[cat.SongLanguage[s]]).NewLine();
                    }
                    if (inExtras)
                    {
                        ne++;
                        string country = SynthVocab.Countries[cat.ArtistCountry[cat.SongArtist[s]]];
                        var script = NameMaker.ScriptOf(country, ref r);
                        eb.Bytes(id).Comma().Text(NameMaker.SongTitle(ref r, script)).Comma();
                        if (!r.Chance(EmptyIsrc)) AppendIsrc(eb, country, cat.SongArtist[s], ref r);
                        eb.NewLine();
                    }
                }
                Interlocked.Add(ref songs, ns);
                Interlocked.Add(ref extras, ne);
            });
        return (songs, extras);
    }

    /// <summary>CC-XXX-YY-NNNNN: country, registrant (one per artist), year, designation.</summary>
    static void AppendIsrc(CsvBuffer b, string country, int artist, ref Rng r)
    {
        Span<byte> isrc = stackalloc byte[12];
        isrc[0] = (byte)country[0];
        isrc[1] = (byte)country[1];
        ulong reg = Rng.Mix((ulong)artist + 77);
        for (int k = 0; k < 3; k++) { int d = (int)(reg % 36); reg /= 36; isrc[2 + k] = (byte)(d < 10 ? '0' + d : 'A' + d - 10); }
        int year = 80 + r.Next(38);
        isrc[5] = (byte)('0' + year % 100 / 10);
        isrc[6] = (byte)('0' + year % 10);
        int designation = r.Next(100_000);
        for (int k = 11; k >= 7; k--) { isrc[k] = (byte)('0' + designation % 10); designation /= 10; }
        b.Bytes(isrc);
    }

    void WriteListens(string dir, ListenPlan plan, ReplayModel model, byte[] userIds, byte[] songIds,
        float[] p, float[] pCollaborative, byte[] y, CancellationToken ct)
    {
        var contexts = SynthVocab.Contexts;
        var tab = contexts.Select(c => Encoding.UTF8.GetBytes(c.Tab)).ToArray();
        var screen = contexts.Select(c => Encoding.UTF8.GetBytes(c.Screen)).ToArray();
        var type = contexts.Select(c => Encoding.UTF8.GetBytes(c.Type)).ToArray();
        long train = size.TrainRows, totalRows = plan.Rows;
        long reported = 0;

        void Rows(long start, long end, CsvBuffer[] buffers, bool isTest)
        {
            var (rows, truth) = (buffers[0], buffers[1]);
            for (long i = start; i < end; i++)
            {
                long g = isTest ? train + i : i;
                int u = plan.User[g], s = plan.Song[g], c = plan.Context[g];
                double t = (double)g / totalRows;
                var r = Rng.For(seed, RowStream, (ulong)g);
                float prob = model.Probability(u, s, c, t, g, plan.Mood[g]);
                byte target = r.NextDouble() < prob ? (byte)1 : (byte)0;
                p[g] = prob;
                y[g] = target;
                pCollaborative[g] = (float)model.CollaborativeLogit(u, s, t, g);
                bool blankTabType = r.Chance(BlankTabAndType);
                bool blankScreen = r.Chance(BlankScreen);
                if (isTest) rows.Int(i).Comma();
                rows.Bytes(Id(userIds, u)).Comma().Bytes(Id(songIds, s)).Comma();
                if (!blankTabType) rows.Bytes(tab[c]);
                rows.Comma();
                if (!blankScreen) rows.Bytes(screen[c]);
                rows.Comma();
                if (!blankTabType) rows.Bytes(type[c]);
                if (!isTest) rows.Comma().Byte((byte)('0' + target));
                rows.NewLine();
                if (isTest) truth.Int(i).Comma().Probability(prob).Comma().Byte((byte)('0' + target)).NewLine();
                else truth.Int(i + 1).Comma().Probability(prob).NewLine();
            }
            long done = Interlocked.Add(ref reported, end - start);
            if (totalRows >= 1_000_000 && done / 1_000_000 != (done - (end - start)) / 1_000_000)
                Log($"listens: {done:N0} / {totalRows:N0} rows written");
        }

        ChunkedWriter.Write(
            [Path.Combine(dir, KkboxSchema.Train.FileName), Path.Combine(dir, TruthFile.TrainName)],
            [KkboxSchema.Train.Header, "row,p"], train, ChunkRows, ct, (a, b, buf) => Rows(a, b, buf, false));
        ChunkedWriter.Write(
            [Path.Combine(dir, KkboxSchema.Test.FileName), Path.Combine(dir, TruthFile.TestName)],
            [KkboxSchema.Test.Header, "id,p,target"], totalRows - train, ChunkRows, ct, (a, b, buf) => Rows(a, b, buf, true));
    }

    SynthSummary Summarise(ListenPlan plan, SynthPopulation users, float[] p, float[] pc, byte[] y)
    {
        int train = (int)size.TrainRows;
        var trainUsers = new HashSet<int>(plan.User.AsSpan(0, train).ToArray());
        var trainSongs = new HashSet<int>(plan.Song.AsSpan(0, train).ToArray());
        var allSongs = new HashSet<int>(plan.Song);
        var testUsers = new HashSet<int>(plan.User.AsSpan(train).ToArray());
        var testSongs = new HashSet<int>(plan.Song.AsSpan(train).ToArray());
        int edge = Math.Max(1, train / 20);
        double Rate(ReadOnlySpan<byte> labels) { long n = 0; foreach (var b in labels) n += b; return labels.IsEmpty ? 0 : (double)n / labels.Length; }
        return new SynthSummary
        {
            Size = size.Name,
            Seed = seed,
            TrainRows = train,
            TestRows = plan.Rows - train,
            TrainUsers = trainUsers.Count,
            TrainSongs = trainSongs.Count,
            ListenedSongs = allSongs.Count,
            TestUsersNotInTrain = testUsers.Count(u => !trainUsers.Contains(u)),
            TestSongsNotInTrain = testSongs.Count(s => !trainSongs.Contains(s)),
            PositiveRate = Math.Round(Rate(y.AsSpan(0, train)), 4),
            PositiveRateEarly = Math.Round(Rate(y.AsSpan(0, edge)), 4),
            PositiveRateLate = Math.Round(Rate(y.AsSpan(train - edge, edge)), 4),
            BestAucTrain = Math.Round(RocAuc.Compute(p.AsSpan(0, train), y.AsSpan(0, train)), 4),
            BestAucTest = Math.Round(RocAuc.Compute(p.AsSpan(train), y.AsSpan(train)), 4),
            CollaborativeOnlyAucTrain = Math.Round(RocAuc.Compute(pc.AsSpan(0, train), y.AsSpan(0, train)), 4),
            CollaborativeOnlyAucTest = Math.Round(RocAuc.Compute(pc.AsSpan(train), y.AsSpan(train)), 4),
        };
    }

    int[] Permutation(int n, ulong stream)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var r = Rng.For(seed, stream, 0);
        for (int i = n - 1; i > 0; i--)
        {
            int j = r.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
