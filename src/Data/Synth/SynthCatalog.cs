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
    const ulong ClusterStream = 1, ArtistStream = 2, SongStream = 3, PoolStream = 4, GenreStream = 5, PlaylistStream = 6;
    // About two playlists per active song, but at most MaxPlaylists: members of the same hours must
    // share some (real windows of 20,000 rows hold ~10k songs, a quarter of them heard twice or more).
    const int SongsPerPlaylist = 15, MaxPlaylists = 4_000;

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
    /// <summary>Active songs of each artist: ArtistSongs[ArtistSongStart[a] .. ArtistSongStart[a + 1]), with cumulative popularity for draws.</summary>
    public int[] ArtistSongStart { get; }
    public int[] ArtistSongs { get; }
    public double[] ArtistSongCumulative { get; }
    /// <summary>Per cluster, its artists that have active songs, drawn by artist popularity (members' favourite artists, session focus).</summary>
    public AliasTable[] ClusterArtists { get; }
    public int[][] ClusterArtistIndex { get; }
    /// <summary>Playlists (albums, curated lists): a fixed list of songs of one cluster; members follow some, sessions play through them.</summary>
    public int[][] Playlists { get; }
    public AliasTable[] ClusterPlaylists { get; }
    public int[][] ClusterPlaylistIndex { get; }
    /// <summary>Every playlist by its popularity (what is trending is drawn from it).</summary>
    public AliasTable GlobalPlaylists { get; }
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
        ArtistSongStart = new int[NA + 1];
        for (int s = 0; s < A; s++) ArtistSongStart[SongArtist[s] + 1]++;
        for (int a = 0; a < NA; a++) ArtistSongStart[a + 1] += ArtistSongStart[a];
        ArtistSongs = new int[A];
        ArtistSongCumulative = new double[A];
        var fill = ArtistSongStart[..NA];
        for (int s = 0; s < A; s++) ArtistSongs[fill[SongArtist[s]]++] = s;
        for (int a = 0; a < NA; a++)
        {
            double acc = 0;
            for (int i = ArtistSongStart[a]; i < ArtistSongStart[a + 1]; i++) ArtistSongCumulative[i] = acc += SongPopularity[ArtistSongs[i]];
        }
        var artistsByCluster = new List<int>[C];
        for (int c = 0; c < C; c++) artistsByCluster[c] = new List<int>();
        for (int a = 0; a < NA; a++) if (ArtistSongStart[a + 1] > ArtistSongStart[a]) artistsByCluster[ArtistCluster[a]].Add(a);
        ClusterArtistIndex = new int[C][];
        ClusterArtists = new AliasTable[C];
        for (int c = 0; c < C; c++)
        {
            if (artistsByCluster[c].Count == 0) artistsByCluster[c].Add(SongArtist[ClusterSongIndex[c][0]]);
            ClusterArtistIndex[c] = artistsByCluster[c].ToArray();
            // Squared: members' favourites concentrate on the big artists more than songs do.
            ClusterArtists[c] = new AliasTable(ClusterArtistIndex[c].Select(a => artistPop[a] * artistPop[a]).ToArray());
        }
        int P = Math.Clamp(A / SongsPerPlaylist, 4 * C, MaxPlaylists);
        Playlists = new int[P][];
        var playlistCluster = new int[P];
        var playlistPop = new double[P];
        Parallel.For(0, P, p =>
        {
            var r = Rng.For(seed, PlaylistStream, (ulong)p);
            int c = ClusterPrior.Sample(ref r);
            playlistCluster[p] = c;
            playlistPop[p] = Math.Exp(2.5 * r.Normal());
            int length = 8 + r.Next(40);
            var songs = new List<int>(length);
            for (int i = 0; i < 3 * length && songs.Count < length; i++)
            {
                int song = ClusterSongIndex[c][ClusterSongs[c].Sample(ref r)];
                if (!songs.Contains(song)) songs.Add(song);
            }
            Playlists[p] = songs.ToArray();
        });
        var playlistsByCluster = new List<int>[C];
        for (int c = 0; c < C; c++) playlistsByCluster[c] = new List<int>();
        for (int p = 0; p < P; p++) playlistsByCluster[playlistCluster[p]].Add(p);
        GlobalPlaylists = new AliasTable(playlistPop);
        ClusterPlaylistIndex = new int[C][];
        ClusterPlaylists = new AliasTable[C];
        for (int c = 0; c < C; c++)
        {
            if (playlistsByCluster[c].Count == 0) playlistsByCluster[c].Add(c % P);
            ClusterPlaylistIndex[c] = playlistsByCluster[c].ToArray();
            ClusterPlaylists[c] = new AliasTable(ClusterPlaylistIndex[c].Select(p => playlistPop[p]).ToArray());
        }
        LateReleases = Enumerable.Range(0, A).Where(s => SongRelease[s] > 0).OrderBy(s => SongRelease[s]).ThenBy(s => s).ToArray();
        LateReleaseTimes = LateReleases.Select(s => SongRelease[s]).ToArray();
    }

    public ReadOnlySpan<float> Vector(int song) => SongVectors.AsSpan(song * K, K);

    public int ClusterOf(int song) => ArtistCluster[SongArtist[song]];

    /// <summary>A song of the playlist (any of its songs alike).</summary>
    public int SongOfPlaylist(int playlist, ref Rng rng)
    {
        var songs = Playlists[playlist];
        return songs.Length == 0 ? -1 : songs[rng.Next(songs.Length)];
    }

    /// <summary>An active song of the artist, drawn by song popularity (the artist's hits most often); -1 if it has none.</summary>
    public int SongOfArtist(int artist, ref Rng rng)
    {
        int lo = ArtistSongStart[artist], hi = ArtistSongStart[artist + 1];
        if (hi == lo) return -1;
        double x = rng.NextDouble() * ArtistSongCumulative[hi - 1];
        while (lo < hi - 1)
        {
            int mid = (lo + hi) >>> 1;
            if (ArtistSongCumulative[mid - 1] <= x) lo = mid; else hi = mid;
        }
        return ArtistSongs[lo];
    }

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
