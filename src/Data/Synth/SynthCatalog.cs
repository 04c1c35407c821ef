namespace KkboxNcf.Data.Synth;

/// <summary>
/// The song side of the synthetic world: taste clusters (latent centres with a home country and
/// favourite genres), artists, composers and lyricists pools, every catalogue song's metadata, and
/// for the listenable ("active") songs their popularity, release time, bias and latent vector.
/// Songs [0, ActiveSongs) can be listened to; the rest exist only in the catalogue files.
/// </summary>
public sealed class SynthCatalog
{
    public const int K = 16;

    // Streams of the counter-based generator, one per kind of entity.
    const ulong ClusterStream = 1, ArtistStream = 2, SongStream = 3, PoolStream = 4, GenreStream = 5;

    public SynthSize Size { get; }
    public int[] GenreIds { get; }
    public AliasTable GenrePopularity { get; }
    public AliasTable CountryPopularity { get; }

    // Clusters
    public float[] ClusterCentres { get; }
    public int[] ClusterCountry { get; }
    public int[][] ClusterGenres { get; }
    public AliasTable ClusterPrior { get; }

    // Artists
    public int[] ArtistCluster { get; }
    public int[] ArtistCountry { get; }
    public float[] ArtistBias { get; }
    public string[] ArtistNames { get; }
    public string[] ComposerNames { get; }
    public string[] LyricistNames { get; }

    // Every catalogue song
    public int[] SongArtist { get; }
    public short[] SongGenre { get; }
    public short[] SongGenre2 { get; }
    public sbyte[] SongLanguage { get; }
    public int[] SongComposer { get; }
    public int[] SongLyricist { get; }
    public int[] SongLengthMs { get; }

    // Active songs
    public float[] SongVectors { get; }
    public float[] SongBias { get; }
    public float[] SongRelease { get; }
    public double[] SongPopularity { get; }
    public AliasTable[] ClusterSongs { get; }
    public AliasTable GlobalSongs { get; }
    public int[][] ClusterSongIndex { get; }
    /// <summary>Active songs released after the start, ordered by release time (for "new release" draws).</summary>
    public int[] LateReleases { get; }
    public float[] LateReleaseTimes { get; }

    public SynthCatalog(SynthSize size, ulong seed)
    {
        Size = size;
        int C = size.Clusters, A = size.ActiveSongs, S = size.CatalogSongs;

        // Genres: distinct ids like the real ones (e.g. 465, 958, 1609), Zipf-like popularity.
        var grng = Rng.For(seed, GenreStream, 0);
        var ids = new SortedSet<int>();
        while (ids.Count < size.Genres) ids.Add(grng.Next(1, 2300));
        GenreIds = ids.OrderBy(_ => grng.NextULong()).ToArray();
        GenrePopularity = Zipf(size.Genres, 1.1);
        CountryPopularity = Zipf(SynthVocab.Countries.Length, 1.3);

        ClusterCentres = new float[C * K];
        ClusterCountry = new int[C];
        ClusterGenres = new int[C][];
        var prior = new double[C];
        for (int c = 0; c < C; c++)
        {
            var r = Rng.For(seed, ClusterStream, (ulong)c);
            for (int k = 0; k < K; k++) ClusterCentres[c * K + k] = (float)(r.Normal() * 1.2 / Math.Sqrt(K));
            ClusterCountry[c] = CountryPopularity.Sample(ref r);
            ClusterGenres[c] = [GenrePopularity.Sample(ref r), GenrePopularity.Sample(ref r), r.Next(size.Genres)];
            prior[c] = Math.Exp(0.8 * r.Normal());
        }
        ClusterPrior = new AliasTable(prior);

        int NA = size.Artists;
        ArtistCluster = new int[NA];
        ArtistCountry = new int[NA];
        ArtistBias = new float[NA];
        var artistPop = new double[NA];
        ArtistNames = new string[NA];
        Parallel.For(0, NA, a =>
        {
            var r = Rng.For(seed, ArtistStream, (ulong)a);
            int c = ClusterPrior.Sample(ref r);
            ArtistCluster[a] = c;
            ArtistCountry[a] = r.Chance(0.7) ? ClusterCountry[c] : CountryPopularity.Sample(ref r);
            ArtistBias[a] = (float)(0.3 * r.Normal());
            artistPop[a] = Math.Exp(1.5 * r.Normal());
            ArtistNames[a] = NameMaker.PoolEntry(a, NA, SynthVocab.Countries[ArtistCountry[a]], 0.03, ref r);
        });
        var artistTable = new AliasTable(artistPop);
        ComposerNames = Pool(seed, 1, size.Composers, 0.06);
        LyricistNames = Pool(seed, 2, size.Lyricists, 0.05);

        SongArtist = new int[S];
        SongGenre = new short[S];
        SongGenre2 = new short[S];
        SongLanguage = new sbyte[S];
        SongComposer = new int[S];
        SongLyricist = new int[S];
        SongLengthMs = new int[S];
        SongVectors = new float[A * K];
        SongBias = new float[A];
        SongRelease = new float[A];
        SongPopularity = new double[A];
        Parallel.For(0, S, s =>
        {
            var r = Rng.For(seed, SongStream, (ulong)s);
            // Catalogue-only songs [A, A + pool) take each pool entry once, so every artist,
            // composer and lyricist of the pools appears: the files have the pools' exact cardinalities.
            int fromA = s - A;
            int artist = fromA >= 0 && fromA < NA ? fromA : artistTable.Sample(ref r);
            SongArtist[s] = artist;
            int c = ArtistCluster[artist];
            var genres = ClusterGenres[c];
            SongGenre[s] = (short)(r.Chance(0.7) ? genres[r.Next(genres.Length)] : GenrePopularity.Sample(ref r));
            SongGenre2[s] = (short)(r.Chance(0.06) ? GenrePopularity.Sample(ref r) : -1);
            if (SongGenre2[s] == SongGenre[s]) SongGenre2[s] = -1;
            SongLanguage[s] = (sbyte)Array.IndexOf(SynthVocab.Languages, SynthVocab.LanguageOf(SynthVocab.Countries[ArtistCountry[artist]], ref r));
            if (r.Chance(0.015)) SongLanguage[s] = (sbyte)Array.IndexOf(SynthVocab.Languages, -1);
            else if (r.Chance(0.0005)) SongLanguage[s] = (sbyte)(SynthVocab.Languages.Length - 1 - r.Next(2));
            bool forceComposer = fromA >= 0 && fromA < size.Composers;
            bool forceLyricist = fromA >= 0 && fromA < size.Lyricists;
            SongComposer[s] = forceComposer ? fromA : r.Chance(0.6) ? (r.Chance(0.5) ? Scramble(artist, size.Composers) : r.Next(size.Composers)) : -1;
            SongLyricist[s] = forceLyricist ? fromA : r.Chance(0.3) ? (r.Chance(0.5) ? Scramble(artist + 7, size.Lyricists) : r.Next(size.Lyricists)) : -1;
            SongLengthMs[s] = (int)Math.Clamp(Math.Exp(Math.Log(240_000) + 0.3 * r.Normal()), 20_000, 1_200_000);
            if (s < A)
            {
                var v = SongVectors.AsSpan(s * K, K);
                var artistRng = Rng.For(seed, ArtistStream + 100, (ulong)artist);
                for (int k = 0; k < K; k++)
                    v[k] = ClusterCentres[c * K + k] + (float)((0.45 * artistRng.Normal() + 0.55 * r.Normal()) / Math.Sqrt(K));
                SongBias[s] = (float)(0.35 * r.Normal()) + ArtistBias[artist];
                SongRelease[s] = r.Chance(0.28) ? (float)r.NextDouble() : (float)(-r.NextDouble());
                SongPopularity[s] = Math.Exp(2.0 * r.Normal());
            }
        });

        GlobalSongs = new AliasTable(SongPopularity);
        var byCluster = new List<int>[C];
        for (int c = 0; c < C; c++) byCluster[c] = new List<int>();
        for (int s = 0; s < A; s++) byCluster[ArtistCluster[SongArtist[s]]].Add(s);
        ClusterSongIndex = new int[C][];
        ClusterSongs = new AliasTable[C];
        for (int c = 0; c < C; c++)
        {
            if (byCluster[c].Count == 0) byCluster[c].Add(c % A);
            ClusterSongIndex[c] = byCluster[c].ToArray();
            ClusterSongs[c] = new AliasTable(ClusterSongIndex[c].Select(s => SongPopularity[s]).ToArray());
        }
        LateReleases = Enumerable.Range(0, A).Where(s => SongRelease[s] > 0).OrderBy(s => SongRelease[s]).ThenBy(s => s).ToArray();
        LateReleaseTimes = LateReleases.Select(s => SongRelease[s]).ToArray();
    }

    public ReadOnlySpan<float> Vector(int song) => SongVectors.AsSpan(song * K, K);

    public int ClusterOf(int song) => ArtistCluster[SongArtist[song]];

    static int Scramble(int x, int n) => (int)(Rng.Mix((ulong)x) % (ulong)n);

    static string[] Pool(ulong seed, ulong kind, int n, double multiRate)
    {
        var names = new string[n];
        Parallel.For(0, n, i =>
        {
            var r = Rng.For(seed, PoolStream * 16 + kind, (ulong)i);
            string country = r.Chance(0.55) ? "TW" : r.Chance(0.3) ? "US" : r.Chance(0.4) ? "KR" : "JP";
            names[i] = NameMaker.PoolEntry(i, n, country, multiRate, ref r);
        });
        return names;
    }

    static AliasTable Zipf(int n, double exponent)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = Math.Pow(i + 1, -exponent);
        return new AliasTable(w);
    }
}
