namespace KkboxNcf.Data.Synth;

/// <summary>
/// How much the generator writes. Full has the real data's scale and cardinalities; the smaller
/// sizes keep the rows per member and per listened song of the full set where they can, so models
/// see the same density. ActiveSongs is the pool listens are drawn from (about 80% of it is drawn).
/// </summary>
public sealed record SynthSize(
    string Name, long TrainRows, long TestRows, int Members, int CatalogSongs, int ActiveSongs,
    int Artists, int Composers, int Lyricists, int Genres, int Clusters)
{
    public static readonly SynthSize Full = new("full", 7_377_418, 2_556_790, 34_403, 2_296_869, 520_000,
        239_750, 360_936, 128_374, 192, 48);

    public static readonly SynthSize Small = Scaled("small", 200_000, 24);

    public static readonly SynthSize Tiny = new("tiny", 4_000, 1_400, 120, 3_000, 1_200, 400, 500, 200, 40, 8);

    public long TotalRows => TrainRows + TestRows;

    public static SynthSize Parse(string name) => name switch
    {
        "tiny" => Tiny,
        "small" => Small,
        "full" => Full,
        _ => throw new ArgumentException($"unknown size '{name}' (tiny, small, full)"),
    };

    static SynthSize Scaled(string name, long trainRows, int clusters)
    {
        double f = (double)trainRows / Full.TrainRows;
        int S(int full, int min) => Math.Max(min, (int)Math.Round(full * f));
        return new SynthSize(name, trainRows, (long)Math.Round(Full.TestRows * f), S(Full.Members, 200),
            S(Full.CatalogSongs, 5_000), S(Full.ActiveSongs, 2_000), S(Full.Artists, 300), S(Full.Composers, 300),
            S(Full.Lyricists, 200), Full.Genres, clusters);
    }
}
