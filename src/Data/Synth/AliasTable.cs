namespace KkboxNcf.Data.Synth;

/// <summary>Vose's alias method: O(1) draws from a fixed discrete distribution (Zipf-like popularity, context mixes).</summary>
public sealed class AliasTable
{
    readonly float[] _prob;
    readonly int[] _alias;

    public AliasTable(ReadOnlySpan<double> weights)
    {
        int n = weights.Length;
        if (n == 0) throw new ArgumentException("no weights", nameof(weights));
        double sum = 0;
        foreach (double w in weights)
        {
            if (w < 0 || double.IsNaN(w)) throw new ArgumentException("weights must be >= 0", nameof(weights));
            sum += w;
        }
        if (sum <= 0) throw new ArgumentException("weights sum to 0", nameof(weights));
        _prob = new float[n];
        _alias = new int[n];
        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / sum;
            (scaled[i] < 1 ? small : large).Push(i);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int s = small.Pop(), l = large.Pop();
            _prob[s] = (float)scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }
        while (large.Count > 0) { int l = large.Pop(); _prob[l] = 1; _alias[l] = l; }
        while (small.Count > 0) { int s = small.Pop(); _prob[s] = 1; _alias[s] = s; }
    }

    public int Count => _prob.Length;

    public int Sample(ref Rng rng)
    {
        int i = rng.Next(_prob.Length);
        return rng.NextDouble() < _prob[i] ? i : _alias[i];
    }
}
