namespace KkboxNcf.Data.Synth;

/// <summary>
/// The member side of the synthetic world. Users [0, Members) are in members.csv; the few after
/// them listen but are missing from it (a join that fails, as in the real files). Each user has an
/// activity level (heavy-tailed), a first-seen time (most from the start, some late: cold start),
/// favourite taste clusters, a latent vector that drifts over time, a replay propensity, a habit
/// that scales context effects, an archetype that shapes which contexts they listen in, and the
/// demographics of members.csv.
/// </summary>
public sealed class SynthPopulation
{
    const ulong UserStream = 10;
    public const int Archetypes = 4;
    public static readonly string[] AgeBuckets = ["unknown", "<18", "18-24", "25-34", "35-44", "45-54", "55+"];

    public int Count { get; }
    public int Members { get; }
    public double[] Activity { get; }
    public float[] Join { get; }
    public byte[] Archetype { get; }
    public float[] Habit { get; }
    public float[] Bias { get; }
    public float[] Vectors { get; }
    public float[] Drift { get; }
    public int[][] FavouriteClusters { get; }
    public float[][] FavouriteCumulative { get; }
    public int[] LanguagePreference { get; }
    /// <summary>Artists the user comes back to, most loved first; more of them for more active users.</summary>
    public int[][] FavouriteArtists { get; }
    /// <summary>Playlists (albums, curated lists) the user follows, most played first.</summary>
    public int[][] FavouritePlaylists { get; }

    // members.csv
    public int[] City { get; }
    public int[] Bd { get; }
    public byte[] AgeBucket { get; }
    public string[] Gender { get; }
    public int[] RegisteredVia { get; }
    public int[] RegistrationDate { get; }
    public int[] ExpirationDate { get; }

    public SynthPopulation(SynthSize size, SynthCatalog catalog, ulong seed)
    {
        const int K = SynthCatalog.K;
        Members = size.Members;
        Count = Members + Math.Max(2, Members / 200);
        int n = Count;
        Activity = new double[n];
        Join = new float[n];
        Archetype = new byte[n];
        Habit = new float[n];
        Bias = new float[n];
        Vectors = new float[n * K];
        Drift = new float[n * K];
        FavouriteClusters = new int[n][];
        FavouriteCumulative = new float[n][];
        LanguagePreference = new int[n];
        FavouriteArtists = new int[n][];
        FavouritePlaylists = new int[n][];
        City = new int[n];
        Bd = new int[n];
        AgeBucket = new byte[n];
        Gender = new string[n];
        RegisteredVia = new int[n];
        RegistrationDate = new int[n];
        ExpirationDate = new int[n];
        var cityTable = new AliasTable(SynthVocab.Cities.Select((_, i) => i == 0 ? 12.0 : Math.Pow(i + 1, -1.0)).ToArray());
        var viaTable = new AliasTable(SynthVocab.RegisteredViaWeights);

        Parallel.For(0, n, u =>
        {
            var r = Rng.For(seed, UserStream, (ulong)u);
            // About 7% of members never listen in the period; others are heavy-tailed in activity.
            Activity[u] = u < Members && r.Chance(0.07) ? 0 : Math.Exp(1.3 * r.Normal());
            Join[u] = r.Chance(0.78) ? 0f : (float)r.NextDouble();
            Archetype[u] = (byte)r.Next(Archetypes);
            Habit[u] = (float)(r.NextDouble() * 1.2 - 0.6);
            Bias[u] = (float)(1.4 * r.Normal());

            int favourites = 1 + r.Next(3);
            var clusters = new int[favourites];
            var cumulative = new float[favourites];
            double total = 0;
            var weights = new double[favourites];
            for (int f = 0; f < favourites; f++) { clusters[f] = catalog.ClusterPrior.Sample(ref r); weights[f] = 0.3 + r.NextDouble(); total += weights[f]; }
            double acc = 0;
            for (int f = 0; f < favourites; f++) { acc += weights[f] / total; cumulative[f] = (float)acc; }
            cumulative[^1] = 1f;
            FavouriteClusters[u] = clusters;
            FavouriteCumulative[u] = cumulative;
            var v = Vectors.AsSpan(u * K, K);
            var d = Drift.AsSpan(u * K, K);
            for (int k = 0; k < K; k++)
            {
                double x = 0;
                for (int f = 0; f < favourites; f++) x += weights[f] / total * catalog.ClusterCentres[clusters[f] * K + k];
                v[k] = (float)(x + 0.6 * r.Normal() / Math.Sqrt(K));
                d[k] = (float)(0.8 * r.Normal() / Math.Sqrt(K));
            }
            int artists = (int)Math.Clamp(Math.Round(6 * Math.Pow(Math.Max(Activity[u], 0.05), 0.7) * Math.Exp(0.5 * r.Normal())), 2, 300);
            var favourite = new int[artists];
            for (int i = 0; i < artists; i++)
            {
                double y = r.NextDouble();
                int f = 0;
                while (f < cumulative.Length - 1 && y >= cumulative[f]) f++;
                favourite[i] = catalog.ClusterArtistIndex[clusters[f]][catalog.ClusterArtists[clusters[f]].Sample(ref r)];
            }
            FavouriteArtists[u] = favourite;
            var playlists = new int[Math.Max(2, artists / 2)];
            for (int i = 0; i < playlists.Length; i++)
            {
                double y = r.NextDouble();
                int f = 0;
                while (f < cumulative.Length - 1 && y >= cumulative[f]) f++;
                playlists[i] = catalog.ClusterPlaylistIndex[clusters[f]][catalog.ClusterPlaylists[clusters[f]].Sample(ref r)];
            }
            FavouritePlaylists[u] = playlists;
            LanguagePreference[u] = SynthVocab.LanguageOf(SynthVocab.Countries[catalog.ClusterCountry[clusters[0]]], ref r);

            City[u] = SynthVocab.Cities[cityTable.Sample(ref r)];
            // Most members leave age and gender blank (bd 0); a few give impossible ages.
            bool blank = r.Chance(0.58);
            int age = (int)Math.Clamp(27 + 8 * r.Normal(), 10, 75);
            Bd[u] = blank ? 0 : r.Chance(0.004) ? (r.Chance(0.5) ? -r.Next(1, 50) : r.Next(101, 1052)) : age;
            AgeBucket[u] = (byte)Array.IndexOf(AgeBuckets, Ages.Bucket(Bd[u]));
            Gender[u] = blank && r.Chance(0.97) ? "" : r.Chance(0.5) ? "male" : "female";
            RegisteredVia[u] = SynthVocab.RegisteredVia[viaTable.Sample(ref r)];
            var registered = Join[u] > 0
                ? new DateOnly(2016, 10, 1).AddDays(r.Next(150))
                : new DateOnly(2004, 3, 26).AddDays(r.Next(4500));
            RegistrationDate[u] = Yyyymmdd(registered);
            ExpirationDate[u] = Yyyymmdd(new DateOnly(2017, 1, 1).AddDays(r.Next(1300)));
        });
    }

    public ReadOnlySpan<float> Vector(int user) => Vectors.AsSpan(user * SynthCatalog.K, SynthCatalog.K);
    public ReadOnlySpan<float> DriftOf(int user) => Drift.AsSpan(user * SynthCatalog.K, SynthCatalog.K);

    static int Yyyymmdd(DateOnly d) => d.Year * 10000 + d.Month * 100 + d.Day;
}
