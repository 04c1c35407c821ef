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
    double _sum;
    int _defined;

    /// <summary>Members whose AUC is defined (both labels seen).</summary>
    public int Members => _defined;

    public double Value => _defined == 0 ? double.NaN : _sum / _defined;

    public void Add(int member, float score, bool positive)
    {
        if (!_members.TryGetValue(member, out var m)) _members[member] = m = new Member();
        Retract(m);
        m.Add(score, positive);
        Count(m);
    }

    public void Forget(int member)
    {
        if (!_members.Remove(member, out var m)) return;
        Retract(m);
    }

    void Retract(Member m)
    {
        if (!m.Defined) return;
        _sum -= m.Auc;
        _defined--;
        // a long stream of + and - accumulates rounding; start again from zero when nothing is counted
        if (_defined == 0) _sum = 0;
    }

    void Count(Member m)
    {
        if (!m.Defined) return;
        _sum += m.Auc;
        _defined++;
    }

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
            int lo = LowerBound(other, score), hi = UpperBound(other, score);
            _twiceU += positive ? 2L * lo + (hi - lo) : 2L * (other.Count - hi) + (hi - lo);
            var own = positive ? Pos : Neg;
            own.Insert(UpperBound(own, score), score);
        }

        static int LowerBound(List<float> list, float x)
        {
            int lo = 0, hi = list.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (list[mid] < x) lo = mid + 1; else hi = mid;
            }
            return lo;
        }

        static int UpperBound(List<float> list, float x)
        {
            int lo = 0, hi = list.Count;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (list[mid] <= x) lo = mid + 1; else hi = mid;
            }
            return lo;
        }
    }
}
