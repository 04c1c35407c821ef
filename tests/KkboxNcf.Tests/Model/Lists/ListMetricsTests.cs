using KkboxNcf.Model.Lists;

namespace KkboxNcf.Tests.Model.Lists;

public class ListMetricsTests
{
    [Fact]
    public void RankIsOneBasedAndZeroWhenAbsent()
    {
        Assert.Equal(2, ListMetrics.RankOf(["a", "b", "c"], "b"));
        Assert.Equal(0, ListMetrics.RankOf(["a", "b", "c"], "z"));
        Assert.Equal(0, ListMetrics.RankOf([], "a"));
    }

    [Fact]
    public void HitAndNdcgCountOnlyTheFirstK()
    {
        Assert.Equal(1, ListMetrics.Hit(10, 10));
        Assert.Equal(0, ListMetrics.Hit(11, 10));
        Assert.Equal(0, ListMetrics.Hit(0, 10));
        Assert.Equal(1, ListMetrics.Ndcg(1, 10));
        Assert.Equal(0.5, ListMetrics.Ndcg(3, 10), 12);          // 1 / log2(4)
        Assert.Equal(1 / Math.Log2(11), ListMetrics.Ndcg(10, 10), 12);
        Assert.Equal(0, ListMetrics.Ndcg(11, 10));
        Assert.Equal(0, ListMetrics.Ndcg(0, 10));
    }

    [Fact]
    public void ReciprocalRank()
    {
        Assert.Equal(1, ListMetrics.ReciprocalRank(1));
        Assert.Equal(0.25, ListMetrics.ReciprocalRank(4));
        Assert.Equal(0, ListMetrics.ReciprocalRank(0));
    }

    [Fact]
    public void RecallIsTheShareOfDistinctRelevantSongsInTheFirstK()
    {
        Assert.Equal(0.5, ListMetrics.Recall(["a", "b", "c", "d"], ["b", "x"], 2));
        Assert.Equal(0, ListMetrics.Recall(["a", "b", "c", "d"], ["b", "x"], 1));
        Assert.Equal(1, ListMetrics.Recall(["a", "b"], ["b", "a", "b"], 50));
        Assert.Equal(0, ListMetrics.Recall(["a", "b"], [], 50));
    }

    [Fact]
    public void CoverageCountsSongsInSomeTopK()
    {
        IReadOnlyList<string>[] lists = [["a", "b"], ["b", "c"]];
        Assert.Equal(0.5, ListMetrics.Coverage(lists, 2, 6));      // {a, b, c} of 6
        Assert.Equal(2 / 6.0, ListMetrics.Coverage(lists, 1, 6), 12); // {a, b}
        Assert.Equal(0, ListMetrics.Coverage([], 10, 6));
        Assert.Equal(0, ListMetrics.Coverage(lists, 2, 0));
    }

    [Fact]
    public void PersonalisationIsOneMinusTheMeanOverlapOfTwoMembers()
    {
        // overlaps: m1-m2 1/2, m1-m3 0, m2-m3 0 -> mean 1/6
        var lists = new List<(string, IReadOnlyList<string>)> { ("m1", ["a", "b"]), ("m2", ["a", "c"]), ("m3", ["d", "e"]) };
        Assert.Equal(1 - 1 / 6.0, ListMetrics.Personalisation(lists, 2), 12);

        var same = new List<(string, IReadOnlyList<string>)> { ("m1", ["a", "b"]), ("m2", ["a", "b"]), ("m3", ["b", "a"]) };
        Assert.Equal(0, ListMetrics.Personalisation(same, 2), 12);

        // a member's own two lists are never a pair
        var own = new List<(string, IReadOnlyList<string>)> { ("m1", ["a", "b"]), ("m1", ["a", "b"]), ("m2", ["c", "d"]) };
        Assert.Equal(1, ListMetrics.Personalisation(own, 2), 12);

        Assert.True(double.IsNaN(ListMetrics.Personalisation([("m1", ["a"])], 10)));
        Assert.True(double.IsNaN(ListMetrics.Personalisation([], 10)));
    }

    [Fact]
    public void SampledPersonalisationIsCloseToTheExactOne()
    {
        var rng = new Random(3);
        var lists = Enumerable.Range(0, 300)
            .Select(i => ($"m{i}", (IReadOnlyList<string>)Enumerable.Range(0, 10).Select(_ => $"s{rng.Next(30)}").Distinct().ToList())).ToList();
        double exact = ListMetrics.Personalisation(lists, 10, maxPairs: int.MaxValue);
        double sampled = ListMetrics.Personalisation(lists, 10, maxPairs: 20_000);
        Assert.InRange(exact, 0.5, 0.9);
        Assert.InRange(sampled - exact, -0.01, 0.01);
    }
}
