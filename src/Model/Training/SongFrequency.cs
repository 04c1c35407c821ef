namespace KkboxNcf.Model.Training;

/// <summary>
/// How often each song turns up in a training batch, estimated from the stream as in Yi et al.,
/// "Sampling-Bias-Corrected Neural Modeling for Large Corpus Item Recommendations" (RecSys 2019),
/// Algorithm 2: per song, the step it was last seen (A) and a moving average of the steps between two
/// sightings (B); a batch holds the song with probability about 1/B. In-batch negatives are drawn in
/// proportion to popularity, so without the correction log(1/B) the listen head learns to push popular
/// songs down. A song seen for the first time gets B = the steps so far (it was not in any batch
/// before), rather than the paper's near-zero start, which would call every new song the most frequent.
/// Indexed by song row; rows grow on demand.
/// </summary>
public sealed class SongFrequency(double alpha = 0.05)
{
    long[] _last = new long[1024];
    float[] _gap = new float[1024];

    /// <summary>Optimizer steps counted so far.</summary>
    public long Steps { get; private set; }

    public double Alpha { get; } = alpha;

    /// <summary>
    /// Counts one step over the batch's song rows and returns log B of each (the correction added to
    /// each song's in-batch logit: - log q with q = 1/B). A song twice in a batch is counted once.
    /// </summary>
    public float[] Step(ReadOnlySpan<long> songs)
    {
        long t = ++Steps;
        var result = new float[songs.Length];
        for (int i = 0; i < songs.Length; i++)
        {
            long s = songs[i];
            Ensure(s);
            if (_last[s] != t)
            {
                _gap[s] = _last[s] == 0 ? t : (float)((1 - Alpha) * _gap[s] + Alpha * (t - _last[s]));
                _last[s] = t;
            }
            result[i] = MathF.Log(Math.Max(1f, _gap[s]));
        }
        return result;
    }

    /// <summary>The estimated steps between two batches holding the song (0: never seen).</summary>
    public float Gap(long song) => song < _gap.Length ? _gap[song] : 0;

    /// <summary>A recycled row is a new song: forget what was counted for the old one.</summary>
    public void Forget(long song)
    {
        if (song >= _last.Length) return;
        _last[song] = 0;
        _gap[song] = 0;
    }

    void Ensure(long song)
    {
        if (song < _last.Length) return;
        long size = Math.Max(song + 1, _last.Length * 2L);
        Array.Resize(ref _last, (int)size);
        Array.Resize(ref _gap, (int)size);
    }

    public void Save(BinaryWriter w)
    {
        w.Write(Steps);
        int n = _last.Length;
        while (n > 0 && _last[n - 1] == 0) n--;
        w.Write(n);
        for (int i = 0; i < n; i++)
        {
            w.Write(_last[i]);
            w.Write(_gap[i]);
        }
    }

    public void Load(BinaryReader r)
    {
        Steps = r.ReadInt64();
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException("negative song count in the song frequency state");
        _last = new long[Math.Max(1024, n)];
        _gap = new float[_last.Length];
        for (int i = 0; i < n; i++)
        {
            _last[i] = r.ReadInt64();
            _gap[i] = r.ReadSingle();
        }
    }
}
