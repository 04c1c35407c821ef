namespace KkboxNcf.Data.Synth;

/// <summary>
/// A small SplitMix64 generator. Counter-based use (Rng.For(seed, stream, index)) gives every
/// entity and every row its own independent stream, so work can be split over threads in any way
/// and still produce the same bytes for a seed.
/// </summary>
public struct Rng(ulong state)
{
    ulong _state = state;

    public static Rng For(ulong seed, ulong stream, ulong index) =>
        new(Mix(seed ^ Mix(stream * 0xD1B54A32D192ED03UL ^ Mix(index + 0x632BE59BD9B4E019UL))));

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => (int)(((NextULong() >> 32) * (ulong)n) >> 32);

    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box-Muller).</summary>
    public double Normal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
