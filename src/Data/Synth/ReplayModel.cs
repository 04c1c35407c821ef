namespace KkboxNcf.Data.Synth;

/// <summary>
/// The true probability that a listen is replayed within a month (target = 1). Its logit adds:
/// a baseline that falls over time (early rows ~75% positive, ~50% overall), user and song/artist
/// biases, a collaborative term (user latent vector, drifting over time, dot song latent vector)
/// weighted more where the service picked the song, the context effect scaled by the user's habit,
/// an age-bucket x genre table, a city x language table, and a language-match term. The products
/// (habit x context, context x latent, age x genre, city x language) are what a model with metadata
/// and a non-linear layer can learn and plain matrix factorisation cannot.
/// </summary>
public sealed class ReplayModel(SynthCatalog catalog, SynthPopulation users, ulong seed)
{
    public const double EarlyBase = 0.65;
    public const double LateBase = -1.35;
    public const double BaseDecay = 0.18;

    readonly float[] _ageGenre = Table(seed, 30, SynthPopulation.AgeBuckets.Length * catalog.Size.Genres, 0.35);
    readonly float[] _cityLanguage = Table(seed, 31, 23 * SynthVocab.Languages.Length, 0.2);
    readonly SynthContext[] _contexts = SynthVocab.Contexts;

    // The file's first rows are replayed more still (0.84 in the real first 1,000 rows, 0.68 by row
    // 20,000): the songs members had long held in their libraries come first. Counted in rows, not in
    // shares of the timeline, so the first rows of every size look alike.
    public const double FirstRowsBoost = 1.5;
    public const double FirstRowsScale = 5_000;

    public static double Base(double t) => LateBase + (EarlyBase - LateBase) * Math.Exp(-t / BaseDecay);

    public static double Baseline(double t, long row) => Base(t) + FirstRowsBoost * Math.Exp(-row / FirstRowsScale);

    /// <summary>The logit of a row: the listen's own terms plus its session's mood and the baseline at its row.</summary>
    public double Logit(int u, int s, int c, double t, long row, float mood) => Logit(u, s, c, t) - Base(t) + Baseline(t, row) + mood;

    public double Logit(int u, int s, int c, double t)
    {
        const int K = SynthCatalog.K;
        var ctx = _contexts[c];
        var uv = users.Vector(u);
        var ud = users.DriftOf(u);
        var sv = catalog.Vector(s);
        float dot = 0;
        for (int k = 0; k < K; k++) dot += (uv[k] + (float)t * ud[k]) * sv[k];
        int genre = catalog.SongGenre[s];
        int language = catalog.SongLanguage[s];
        int languageCode = SynthVocab.Languages[language];
        double match = languageCode == users.LanguagePreference[u] ? 0.35 : languageCode is 52 or -1 ? 0 : -0.15;
        return Base(t)
            + users.Bias[u] + catalog.SongBias[s]
            + (ctx.IsDiscovery ? 1.5 : 0.7) * dot
            + ctx.Effect * (1 + users.Habit[u])
            + _ageGenre[users.AgeBucket[u] * catalog.Size.Genres + genre]
            + _cityLanguage[users.City[u] * SynthVocab.Languages.Length + language]
            + match;
    }

    /// <summary>Only the baseline, biases and latent dot product: what matrix factorisation with biases can express.</summary>
    public double CollaborativeLogit(int u, int s, double t, long row)
    {
        const int K = SynthCatalog.K;
        var uv = users.Vector(u);
        var ud = users.DriftOf(u);
        var sv = catalog.Vector(s);
        float dot = 0;
        for (int k = 0; k < K; k++) dot += (uv[k] + (float)t * ud[k]) * sv[k];
        return Baseline(t, row) + users.Bias[u] + catalog.SongBias[s] + dot;
    }

    /// <summary>The probability, rounded to 6 decimals: the value written to the truth file is the one the label was drawn from.</summary>
    public float Probability(int u, int s, int c, double t, long row, float mood)
    {
        double p = 1.0 / (1.0 + Math.Exp(-Logit(u, s, c, t, row, mood)));
        return (float)(Math.Round(p * 1e6) / 1e6);
    }

    static float[] Table(ulong seed, ulong stream, int n, double sd)
    {
        var r = Rng.For(seed, stream, 0);
        var t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float)(sd * r.Normal());
        return t;
    }
}
