using KkboxNcf.Model.Metrics;

namespace KkboxNcf.Tests.Model;

public class MetricTests
{
    const double Tol = 1e-9;

    [Fact]
    public void RmseMaeAndLogLossMatchHandComputedValues()
    {
        float[] p = [0.9f, 0.2f, 0.6f, 0.4f];
        float[] y = [1, 0, 0, 1];
        // errors 0.1, 0.2, 0.6, 0.6: squares 0.01 + 0.04 + 0.36 + 0.36 = 0.77
        Assert.Equal(Math.Sqrt(0.77 / 4), Metric.Rmse(p, y), 6);
        Assert.Equal(1.5 / 4, Metric.Mae(p, y), 6);
        double expected = -(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.4) + Math.Log(0.4)) / 4;
        Assert.Equal(expected, Metric.LogLoss(p, y), 5);
    }

    [Fact]
    public void PerfectPredictionsGiveZeroErrorAndAucOne()
    {
        float[] y = [1, 0, 1, 0];
        Assert.Equal(0, Metric.Rmse(y, y), 9);
        Assert.Equal(0, Metric.Mae(y, y), 9);
        Assert.Equal(1, Metric.RocAuc([0.9f, 0.1f, 0.8f, 0.3f], y), 9);
        Assert.Equal(0, Metric.RocAuc([0.1f, 0.9f, 0.2f, 0.8f], y), 9);
        Assert.True(Metric.LogLoss(y, y) < 1e-6);
    }

    [Fact]
    public void AucCountsTiesAsHalf()
    {
        // positives score 0.8 and 0.5; negatives 0.5 and 0.2
        // pairs: (0.8>0.5) 1, (0.8>0.2) 1, (0.5=0.5) 0.5, (0.5>0.2) 1  => 3.5 / 4
        Assert.Equal(0.875, Metric.RocAuc([0.8f, 0.5f, 0.5f, 0.2f], [1, 1, 0, 0]), 9);
        // all scores tied: 0.5
        Assert.Equal(0.5, Metric.RocAuc([0.3f, 0.3f, 0.3f], [1, 0, 1]), 9);
    }

    [Fact]
    public void AucWithOneClassIsUndefined()
    {
        Assert.True(double.IsNaN(Metric.RocAuc([0.1f, 0.7f], [1, 1])));
        Assert.True(double.IsNaN(Metric.RocAuc([0.1f, 0.7f], [0, 0])));
        Assert.True(double.IsNaN(Metric.RocAuc([], [])));
    }

    [Fact]
    public void TopKRanksByScoreAndThresholdsAtHalf()
    {
        // ranked: 0.9(y1) 0.8(y0) 0.6(y1) 0.3(y1) 0.1(y0); top 3 = first three
        float[] s = [0.3f, 0.9f, 0.1f, 0.8f, 0.6f];
        float[] y = [1, 1, 0, 0, 1];
        var top3 = Metric.TopK(s, y, 3);
        // predictions: all three > 0.5 => TP 2, FP 1, FN 0, TN 0
        Assert.Equal(3, top3.Rows);
        Assert.Equal(2.0 / 3, top3.Accuracy, 9);
        Assert.Equal(2.0 / 3, top3.Precision, 9);
        Assert.Equal(1.0, top3.Recall, 9);
        Assert.Equal(0.8, top3.F1, 9);
        // AUC within the top 3: positives 0.9, 0.6 vs negative 0.8 => (1 + 0) / 2
        Assert.Equal(0.5, top3.Auc, 9);
    }

    [Fact]
    public void TopKWithFewerRowsThanKUsesAllRows()
    {
        var r = Metric.TopK([0.7f, 0.2f], [1, 0], 10);
        Assert.Equal(2, r.Rows);
        Assert.Equal(1.0, r.Accuracy, 9);
        Assert.Equal(1.0, r.F1, 9);
        Assert.Equal(1.0, r.Auc, 9);
    }

    [Fact]
    public void TopKDegenerateCases()
    {
        // one class only: AUC undefined; no predicted positive: precision 0 (zero_division=0); no actual positive: recall 0
        var negatives = Metric.TopK([0.2f, 0.1f], [0, 0], 10);
        Assert.True(double.IsNaN(negatives.Auc));
        Assert.Equal(0, negatives.Precision);
        Assert.Equal(0, negatives.Recall);
        Assert.Equal(0, negatives.F1);
        Assert.Equal(1.0, negatives.Accuracy, 9);
        var empty = Metric.TopK([], [], 10);
        Assert.Equal(0, empty.Rows);
        Assert.True(double.IsNaN(empty.Accuracy));
    }

    [Fact]
    public void TopKBreaksScoreTiesByOriginalOrder()
    {
        // three rows tie at 0.6; top 2 takes rows 0 and 1 (original order), so the positive row 2 is out
        var r = Metric.TopK([0.6f, 0.6f, 0.6f], [0, 0, 1], 2);
        Assert.Equal(0, r.Recall);
        Assert.Equal(0, r.Precision);
        Assert.Equal([0, 1, 2], Metric.RankDescending([0.6f, 0.6f, 0.6f]));
        Assert.Equal([1, 2, 0], Metric.RankDescending([0.1f, 0.9f, 0.5f]));
    }

    [Fact]
    public void EvaluationGroupsByMemberAndSkipsOneClassMembersInMeanAuc()
    {
        int[] members = [7, 7, 7, 9, 9, 3];
        float[] scores = [0.9f, 0.2f, 0.6f, 0.4f, 0.3f, 0.8f];
        float[] labels = [1, 0, 0, 1, 1, 1];
        var e = Evaluation.Compute(members, scores, labels, [10]);
        Assert.Equal(3, e.Members);
        // member 7: positive 0.9 beats both negatives => AUC 1; members 9 and 3 have one class only
        Assert.Equal(1, e.MembersWithAuc);
        Assert.Equal(1.0, e.MeanMemberAuc, 9);
        Assert.Equal(Metric.RocAuc(scores, labels), e.Auc, 9);
        Assert.Equal(3, e.TopK[10].Accuracy.Count);
        Assert.Equal(2, e.TopK[10].Auc.Undefined);
    }

    [Fact]
    public void QuantilesInterpolateLinearly()
    {
        var d = Distribution.Of([4, 1, 3, 2, double.NaN]);
        Assert.Equal(4, d.Count);
        Assert.Equal(1, d.Undefined);
        Assert.Equal(2.5, d.Median, Tol);
        Assert.Equal(1.75, d.Q1, Tol);
        Assert.Equal(3.25, d.Q3, Tol);
        Assert.Equal(2.5, d.Mean, Tol);
    }
}
