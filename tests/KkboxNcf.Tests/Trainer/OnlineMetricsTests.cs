using KkboxNcf.Model.Metrics;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Tests.Trainer;

public class OnlineMetricsTests
{
    // scores on a coarse grid so that ties (within and across classes) are common
    static (float[] S, bool[] Y, int[] M) Events(int n, int seed)
    {
        var rng = new Random(seed);
        var s = new float[n];
        var y = new bool[n];
        var m = new int[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = rng.NextDouble() < 0.45;
            s[i] = (float)Math.Round(Math.Clamp((y[i] ? 0.58 : 0.42) + (rng.NextDouble() - 0.5) * 0.8, 0, 1), 2);
            m[i] = rng.Next(7);
        }
        return (s, y, m);
    }

    static float[] Labels(IEnumerable<bool> y) => y.Select(b => b ? 1f : 0f).ToArray();

    [Fact]
    public void IncrementalAucEqualsTheBatchAucOnEveryPrefix()
    {
        var (s, y, _) = Events(600, 1);
        var auc = new IncrementalAuc();
        for (int i = 0; i < s.Length; i++)
        {
            auc.Add(s[i], y[i]);
            double batch = Metric.RocAuc(s[..(i + 1)], Labels(y[..(i + 1)]));
            if (double.IsNaN(batch)) Assert.True(double.IsNaN(auc.Value));
            else Assert.Equal(batch, auc.Value, 12);
        }
    }

    [Fact]
    public void IncrementalAucWithRemovalsEqualsTheBatchAucOfEveryWindow()
    {
        var (s, y, _) = Events(500, 2);
        const int w = 37;
        var auc = new IncrementalAuc();
        for (int i = 0; i < s.Length; i++)
        {
            auc.Add(s[i], y[i]);
            if (i >= w) auc.Remove(s[i - w], y[i - w]);
            int from = Math.Max(0, i - w + 1);
            double batch = Metric.RocAuc(s[from..(i + 1)], Labels(y[from..(i + 1)]));
            if (double.IsNaN(batch)) Assert.True(double.IsNaN(auc.Value));
            else Assert.Equal(batch, auc.Value, 12);
        }
    }

    [Fact]
    public void HandComputedAucs()
    {
        var auc = new IncrementalAuc();
        Assert.True(double.IsNaN(auc.Value)); // empty
        auc.Add(0.2f, false);
        Assert.True(double.IsNaN(auc.Value)); // one class
        auc.Add(0.8f, true);
        Assert.Equal(1.0, auc.Value); // perfect
        auc.Add(0.2f, true);
        Assert.Equal(0.75, auc.Value); // pairs: (0.8>0.2)=1, (0.2=0.2)=0.5 -> 1.5/2
        auc.Add(0.9f, false);
        Assert.Equal(0.375, auc.Value); // + (0.8<0.9)=0, (0.2<0.9)=0 -> 1.5/4
        auc.Remove(0.9f, false);
        Assert.Equal(0.75, auc.Value);
        Assert.Throws<InvalidOperationException>(() => auc.Remove(0.5f, true));
        Assert.Throws<ArgumentException>(() => auc.Add(float.NaN, true));
    }

    [Fact]
    public void PerMemberAucEqualsTheMeanOfBatchAucsOnEveryPrefix()
    {
        var (s, y, m) = Events(400, 3);
        var per = new PerMemberAuc();
        for (int i = 0; i < s.Length; i++)
        {
            per.Add(m[i], s[i], y[i]);
            var aucs = Enumerable.Range(0, i + 1).GroupBy(k => m[k])
                .Select(g => Metric.RocAuc(g.Select(k => s[k]).ToArray(), Labels(g.Select(k => y[k]))))
                .Where(a => !double.IsNaN(a)).ToArray();
            Assert.Equal(aucs.Length, per.Members);
            if (aucs.Length == 0) Assert.True(double.IsNaN(per.Value));
            else Assert.Equal(aucs.Average(), per.Value, 10);
        }
        per.Forget(m[0]);
        var rest = Enumerable.Range(0, s.Length).Where(k => m[k] != m[0]).GroupBy(k => m[k])
            .Select(g => Metric.RocAuc(g.Select(k => s[k]).ToArray(), Labels(g.Select(k => y[k])))).Where(a => !double.IsNaN(a)).ToArray();
        Assert.Equal(rest.Average(), per.Value, 10);
    }

    [Fact]
    public void PrequentialMetricsMatchBatchMetricsCumulativelyAndOverTheWindow()
    {
        var (s, y, m) = Events(300, 4);
        const int w = 50;
        var metrics = new PrequentialMetrics(w);
        for (int i = 0; i < s.Length; i++)
        {
            metrics.Add(s[i], y[i], m[i]);
            if (i % 17 != 0 && i != s.Length - 1) continue;
            var c = metrics.Cumulative;
            var all = Labels(y[..(i + 1)]);
            Assert.Equal(i + 1, c.Events);
            Assert.Equal(Metric.LogLoss(s[..(i + 1)], all), c.LogLoss, 10);
            Assert.Equal(Enumerable.Range(0, i + 1).Count(k => s[k] > 0.5f == y[k]) / (double)(i + 1), c.Accuracy, 12);
            int from = Math.Max(0, i - w + 1);
            var win = metrics.Window;
            var wy = Labels(y[from..(i + 1)]);
            Assert.Equal(i + 1 - from, win.Events);
            Assert.Equal(Metric.LogLoss(s[from..(i + 1)], wy), win.LogLoss, 10);
            double wauc = Metric.RocAuc(s[from..(i + 1)], wy);
            if (!double.IsNaN(wauc)) Assert.Equal(wauc, win.Auc, 12);
        }
    }

    [Fact]
    public void HandComputedLogLossAndAccuracy()
    {
        var metrics = new PrequentialMetrics(2);
        metrics.Add(0.8f, true, 1);   // -ln 0.8, right
        metrics.Add(0.6f, false, 1);  // -ln 0.4, wrong
        metrics.Add(0.5f, false, 2);  // -ln 0.5, right (0.5 is not above 0.5)
        var c = metrics.Cumulative;
        Assert.Equal((-Math.Log(0.8f) - Math.Log(1 - 0.6f) - Math.Log(0.5)) / 3, c.LogLoss, 6);
        Assert.Equal(2 / 3.0, c.Accuracy, 12);
        Assert.Equal(0.5, metrics.Window.Accuracy, 12); // the last two
        // member 1 ranks its positive (0.8) above its negative (0.6); member 2 has one class, so is left out
        Assert.Equal(1.0, c.MemberAuc);
        Assert.Equal(1, c.Members);
    }

    [Fact]
    public void StateRoundTripsThroughBytes()
    {
        var (s, y, m) = Events(200, 5);
        var a = new PrequentialMetrics(30);
        for (int i = 0; i < 150; i++) a.Add(s[i], y[i], m[i]);
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) a.Write(w);
        ms.Position = 0;
        var b = PrequentialMetrics.Read(new BinaryReader(ms));
        for (int i = 150; i < 200; i++)
        {
            a.Add(s[i], y[i], m[i]);
            b.Add(s[i], y[i], m[i]);
        }
        Assert.Equal(a.Cumulative, b.Cumulative);
        Assert.Equal(a.Window, b.Window);
    }

    [Fact]
    public void LatencyPercentilesAreWithinFivePercent()
    {
        var h = new LatencyHistogram();
        Assert.True(double.IsNaN(h.Percentile(0.5)));
        var values = Enumerable.Range(1, 1000).Select(i => (double)i * 3).ToArray();
        foreach (double v in values) h.Add(v);
        foreach (double q in new[] { 0.5, 0.95, 0.99 })
        {
            double exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(h.Percentile(q), exact, exact * 1.05);
        }
        Assert.Equal(3000, h.MaxMs);
    }
}
