using KkboxNcf.Model.Features;

namespace KkboxNcf.Model.Training;

/// <summary>Cardinalities of a planted data set (rows per field, the unknown row excluded).</summary>
public sealed record PlantedSizes(int Users, int Songs, int Artists, int Composers, int Lyricists, int Genres,
    int Languages, int Countries, int Cities, int Genders, int RegisteredVia, int AgeBuckets, int Tabs, int Screens, int Types)
{
    /// <summary>The full KKBOX data's cardinalities (seed report, section 5.1).</summary>
    public static readonly PlantedSizes Kkbox = new(34_403, 2_296_869, 239_750, 360_936, 128_374, 192, 12, 201, 22, 3, 7, 7, 9, 22, 13);

    public static readonly PlantedSizes Tiny = new(200, 500, 60, 80, 40, 10, 4, 6, 5, 3, 3, 4, 4, 6, 5);
}

/// <summary>
/// Encoded examples drawn from a planted logistic model (latent user and song factors, song and
/// user biases, and effects of artist, genre and listening context), with song popularity
/// following Zipf's law so that, as in KKBOX, a few hundred thousand songs carry most listens.
/// For benchmarks and tests that need KKBOX-size tables without reading files; the true
/// probabilities give the best reachable AUC.
/// </summary>
public static class PlantedData
{
    public sealed record Result(FeatureSpace Space, EncodedDataset Data, float[] TrueProbability);

    public static Result Generate(PlantedSizes sizes, int examples, int seed, int factors = 8, double zipf = 1.0)
    {
        var rng = new Random(seed);
        var space = new FeatureSpace();
        // register every value so vocabularies (and so the tables) have the full cardinalities
        Fill(space[Field.User], sizes.Users, "u");
        Fill(space[Field.Song], sizes.Songs, "s");
        Fill(space[Field.Artist], sizes.Artists, "a");
        Fill(space[Field.Composer], sizes.Composers, "c");
        Fill(space[Field.Lyricist], sizes.Lyricists, "l");
        Fill(space.Genres, sizes.Genres, "g");
        Fill(space[Field.Language], sizes.Languages, "lang");
        Fill(space[Field.Country], sizes.Countries, "cc");
        Fill(space[Field.City], sizes.Cities, "city");
        Fill(space[Field.Gender], sizes.Genders, "gender");
        Fill(space[Field.RegisteredVia], sizes.RegisteredVia, "via");
        Fill(space[Field.AgeBucket], sizes.AgeBuckets, "age");
        Fill(space[Field.SourceSystemTab], sizes.Tabs, "tab");
        Fill(space[Field.SourceScreenName], sizes.Screens, "screen");
        Fill(space[Field.SourceType], sizes.Types, "type");

        var userFactors = Gaussian(rng, sizes.Users + 1, factors, 1.0 / Math.Sqrt(factors));
        var songFactors = Gaussian(rng, sizes.Songs + 1, factors, 1.0);
        var userBias = Gaussian(rng, sizes.Users + 1, 1, 0.5);
        var songBias = Gaussian(rng, sizes.Songs + 1, 1, 0.5);
        var artistEffect = Gaussian(rng, sizes.Artists + 1, 1, 0.5);
        var genreEffect = Gaussian(rng, sizes.Genres + 1, 1, 0.3);
        var tabEffect = Gaussian(rng, sizes.Tabs + 1, 1, 0.6);
        var typeEffect = Gaussian(rng, sizes.Types + 1, 1, 0.6);

        // per-song metadata (rows 1..n; row 0 = unknown)
        var songArtist = Draw(rng, sizes.Songs + 1, sizes.Artists);
        var songComposer = Draw(rng, sizes.Songs + 1, sizes.Composers);
        var songLyricist = Draw(rng, sizes.Songs + 1, sizes.Lyricists);
        var songLanguage = Draw(rng, sizes.Songs + 1, sizes.Languages);
        var songCountry = Draw(rng, sizes.Songs + 1, sizes.Countries);
        var songGenre = Draw(rng, sizes.Songs + 1, sizes.Genres);
        var userCity = Draw(rng, sizes.Users + 1, sizes.Cities);
        var userGender = Draw(rng, sizes.Users + 1, sizes.Genders);
        var userVia = Draw(rng, sizes.Users + 1, sizes.RegisteredVia);
        var userAge = Draw(rng, sizes.Users + 1, sizes.AgeBuckets);
        var songCdf = ZipfCdf(sizes.Songs, zipf);

        var data = EncodedDataset.Empty(examples);
        var truth = new float[examples];
        var c = data.Columns;
        for (int i = 0; i < examples; i++)
        {
            int u = 1 + rng.Next(sizes.Users);
            int s = 1 + Sample(songCdf, rng.NextDouble());
            int tab = 1 + rng.Next(sizes.Tabs), screen = 1 + rng.Next(sizes.Screens), type = 1 + rng.Next(sizes.Types);
            double logit = userBias[u] + songBias[s] + artistEffect[songArtist[s]] + genreEffect[songGenre[s]]
                + tabEffect[tab] + typeEffect[type];
            for (int k = 0; k < factors; k++) logit += userFactors[u * factors + k] * songFactors[s * factors + k];
            float p = (float)(1 / (1 + Math.Exp(-logit)));
            truth[i] = p;
            c[(int)Field.User][i] = u;
            c[(int)Field.Song][i] = s;
            c[(int)Field.City][i] = userCity[u];
            c[(int)Field.Gender][i] = userGender[u];
            c[(int)Field.RegisteredVia][i] = userVia[u];
            c[(int)Field.AgeBucket][i] = userAge[u];
            c[(int)Field.Artist][i] = songArtist[s];
            c[(int)Field.Composer][i] = songComposer[s];
            c[(int)Field.Lyricist][i] = songLyricist[s];
            c[(int)Field.Language][i] = songLanguage[s];
            c[(int)Field.Country][i] = songCountry[s];
            c[(int)Field.SourceSystemTab][i] = tab;
            c[(int)Field.SourceScreenName][i] = screen;
            c[(int)Field.SourceType][i] = type;
            c[FeatureLayout.GenreColumn][i] = songGenre[s];
            c[FeatureLayout.GenreCountColumn][i] = 1;
            data.Labels[i] = rng.NextDouble() < p ? 1f : 0f;
            data.Rows[i] = i + 1;
        }
        return new Result(space, data, truth);
    }

    static void Fill(Vocabulary v, int n, string prefix)
    {
        for (int i = 1; i <= n; i++) v.GetOrAdd(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    static float[] Gaussian(Random rng, int rows, int dim, double std)
    {
        var a = new float[rows * dim];
        for (int i = 0; i < a.Length; i++)
        {
            double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
            a[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return a;
    }

    static int[] Draw(Random rng, int rows, int cardinality)
    {
        var a = new int[rows];
        for (int i = 1; i < rows; i++) a[i] = 1 + rng.Next(cardinality);
        return a;
    }

    static double[] ZipfCdf(int n, double exponent)
    {
        var cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) { sum += 1 / Math.Pow(i + 1, exponent); cdf[i] = sum; }
        for (int i = 0; i < n; i++) cdf[i] /= sum;
        return cdf;
    }

    static int Sample(double[] cdf, double u)
    {
        int i = Array.BinarySearch(cdf, u);
        return Math.Min(i < 0 ? ~i : i, cdf.Length - 1);
    }
}
