using KkboxNcf.Model.Metrics;

namespace KkboxNcf.Trainer.Metrics;

/// <summary>
/// Prequential (test-then-train) metrics of the scores the model gave events before it trained on
/// them: ROC AUC, log loss, accuracy at 0.5 and per-member AUC, cumulatively and over a sliding
/// window of the last WindowSize labeled events. Log loss clips like Metric.LogLoss; an event counts
/// as predicted positive when its score is above 0.5, like Metric.TopK.
/// </summary>
public sealed class PrequentialMetrics
{
    readonly IncrementalAuc _auc = new();
    readonly PerMemberAuc _memberAuc = new();
    readonly IncrementalAuc _windowAuc = new();
    readonly (float Score, bool Positive, int Member)[] _window;
    int _windowStart, _windowCount;
    double _logLossSum;
    long _correct;

    public PrequentialMetrics(int windowSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        _window = new (float, bool, int)[windowSize];
    }

    public int WindowSize => _window.Length;

    /// <summary>Labeled events scored so far.</summary>
    public long Count => _auc.Count;

    public void Add(float score, bool positive, int member)
    {
        _auc.Add(score, positive);
        _memberAuc.Add(member, score, positive);
        _logLossSum += LogLoss(score, positive);
        if (score > 0.5f == positive) _correct++;

        if (_windowCount == _window.Length)
        {
            var old = _window[_windowStart];
            _windowAuc.Remove(old.Score, old.Positive);
            _windowStart = (_windowStart + 1) % _window.Length;
            _windowCount--;
        }
        _window[(_windowStart + _windowCount) % _window.Length] = (score, positive, member);
        _windowCount++;
        _windowAuc.Add(score, positive);
    }

    /// <summary>Stops tracking a member in the cumulative per-member AUC (its row now belongs to someone else).</summary>
    public void ForgetMember(int member) => _memberAuc.Forget(member);

    public MetricValues Cumulative => new(Count, _auc.Value, Count == 0 ? double.NaN : _logLossSum / Count,
        Count == 0 ? double.NaN : (double)_correct / Count, _memberAuc.Value, _memberAuc.Members);

    /// <summary>The metrics of the window (computed from its events; per-member AUC as the mean of Metric.RocAuc per member).</summary>
    public MetricValues Window
    {
        get
        {
            if (_windowCount == 0) return new MetricValues(0, double.NaN, double.NaN, double.NaN, double.NaN, 0);
            double loss = 0;
            long correct = 0;
            var byMember = new Dictionary<int, (List<float> S, List<float> Y)>();
            foreach (var e in WindowEvents())
            {
                loss += LogLoss(e.Score, e.Positive);
                if (e.Score > 0.5f == e.Positive) correct++;
                if (!byMember.TryGetValue(e.Member, out var m)) byMember[e.Member] = m = ([], []);
                m.S.Add(e.Score);
                m.Y.Add(e.Positive ? 1f : 0f);
            }
            var aucs = byMember.Values.Select(m => Metric.RocAuc(m.S, m.Y)).Where(a => !double.IsNaN(a)).ToArray();
            return new MetricValues(_windowCount, _windowAuc.Value, loss / _windowCount, (double)correct / _windowCount,
                aucs.Length == 0 ? double.NaN : aucs.Average(), aucs.Length);
        }
    }

    IEnumerable<(float Score, bool Positive, int Member)> WindowEvents()
    {
        for (int i = 0; i < _windowCount; i++) yield return _window[(_windowStart + i) % _window.Length];
    }

    static double LogLoss(float score, bool positive)
    {
        const double eps = 1e-7;
        double q = Math.Clamp(score, eps, 1 - eps);
        return positive ? -Math.Log(q) : -Math.Log(1 - q);
    }

    public void Write(BinaryWriter w)
    {
        w.Write(_window.Length);
        w.Write(_logLossSum);
        w.Write(_correct);
        _auc.Write(w);
        _memberAuc.Write(w);
        w.Write(_windowCount);
        foreach (var e in WindowEvents())
        {
            w.Write(e.Score);
            w.Write(e.Positive);
            w.Write(e.Member);
        }
    }

    public static PrequentialMetrics Read(BinaryReader r)
    {
        var m = new PrequentialMetrics(r.ReadInt32());
        m._logLossSum = r.ReadDouble();
        m._correct = r.ReadInt64();
        m._auc.ReadInto(r);
        m._memberAuc.ReadInto(r);
        int n = r.ReadInt32();
        if (n < 0 || n > m._window.Length) throw new InvalidDataException($"window of {n} events, capacity {m._window.Length}");
        for (int i = 0; i < n; i++)
        {
            var e = (r.ReadSingle(), r.ReadBoolean(), r.ReadInt32());
            m._window[i] = e;
            m._windowAuc.Add(e.Item1, e.Item2);
        }
        m._windowCount = n;
        return m;
    }
}

/// <summary>Metrics over a set of labeled events; undefined values are NaN.</summary>
public sealed record MetricValues(long Events, double Auc, double LogLoss, double Accuracy, double MemberAuc, int Members);
