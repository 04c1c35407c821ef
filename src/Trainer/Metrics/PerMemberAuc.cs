namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// The seed's per-member AUC, incrementally: the mean, over members whose scored events hold both
/// labels, of the ROC AUC of their own events. Equal (to float rounding of the mean) to computing
/// Metric.RocAuc per member over the same events. Memory: 4 bytes per labeled event of a member it
/// still tracks; Forget drops a member (the Trainer calls it when the member's row is recycled).
/// </summary>
public sealed class PerMemberAuc
{
    readonly Dictionary<int, Member> _members = new();

    /// <summary>Members whose AUC is defined (both labels seen).</summary>
    public int Members => _members.Values.Count(m => m.Defined);

    /// <summary>
    /// The mean, summed afresh in member order on each call (O(members); called per metrics line),
    /// so it does not drift and a restored instance gives exactly the same value.
    /// </summary>
    public double Value
    {
        get
        {
            double sum = 0;
            int n = 0;
            foreach (var (_, m) in _members.OrderBy(kv => kv.Key))
                if (m.Defined) { sum += m.Auc; n++; }
            return n == 0 ? double.NaN : sum / n;
        }
    }

    public void Add(int member, float score, bool positive)
    {
        if (!_members.TryGetValue(member, out var m)) _members[member] = m = new Member();
        m.Add(score, positive);
    }

    public void Forget(int member) => _members.Remove(member);

    public void Write(BinaryWriter w)
    {
        w.Write(_members.Count);
        foreach (var (id, m) in _members.OrderBy(kv => kv.Key))
        {
            w.Write(id);
            WriteList(w, m.Pos);
            WriteList(w, m.Neg);
        }
    }

    public void ReadInto(BinaryReader r)
    {
        if (_members.Count != 0) throw new InvalidOperationException("read into an empty per-member AUC");
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            int id = r.ReadInt32();
            foreach (float s in ReadList(r)) Add(id, s, true);
            foreach (float s in ReadList(r)) Add(id, s, false);
        }
    }

    static void WriteList(BinaryWriter w, List<float> list)
    {
        w.Write(list.Count);
        foreach (float s in list) w.Write(s);
    }

    static float[] ReadList(BinaryReader r)
    {
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException($"negative score count {n}");
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.ReadSingle();
        return a;
    }

    sealed class Member
    {
        public readonly List<float> Pos = [];
        public readonly List<float> Neg = [];
        long _twiceU;

        public bool Defined => Pos.Count > 0 && Neg.Count > 0;

        public double Auc => _twiceU / (2.0 * Pos.Count * Neg.Count);

        public void Add(float score, bool positive)
        {
            var other = positive ? Neg : Pos;
            int lo = ScoreCounts.LowerBound(other, score), hi = ScoreCounts.UpperBound(other, score);
            _twiceU += positive ? 2L * lo + (hi - lo) : 2L * (other.Count - hi) + (hi - lo);
            var own = positive ? Pos : Neg;
            own.Insert(ScoreCounts.UpperBound(own, score), score);
        }
    }
}
