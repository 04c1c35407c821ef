using KkboxNcf.Data;
using KkboxNcf.Model.Lists;

namespace KkboxNcf.Tests.Model.Lists;

public class ListEvaluationTests
{
    static int _row;

    internal static Listen L(string member, string song, string tab = "A") => new(++_row, member, song, tab, "screen", "type", 1);

    /// <summary>Train: u1 heard s1 s2, u2 s2 s3, u3 s4. Test: u1 s3 and s4 in tab A, u2 s1 in tab B, u9 (new) s1.</summary>
    static ListEvaluation Small() => new(
        [L("u1", "s1"), L("u1", "s2"), L("u2", "s2"), L("u2", "s3"), L("u3", "s4")],
        [L("u1", "s3"), L("u1", "s4"), L("u2", "s1", "B"), L("u9", "s1")]);

    sealed class Fixed(Dictionary<string, string[]> lists) : IListRecommender
    {
        public string Name => "fixed";
        public int Fits { get; private set; }
        public void Fit(IReadOnlyList<Listen> train) => Fits++;
        public IReadOnlyList<string> Recommend(string member, ListContext context, int k, IReadOnlySet<string> exclude) => lists[member];
    }

    [Fact]
    public void OneListPerKnownMemberAndContextWithHeardSongsLeftOut()
    {
        var e = Small();
        Assert.Equal(4, e.CatalogueSize);
        Assert.Equal(3, e.JudgedListens);
        Assert.Equal(1, e.UnknownMemberListens);
        Assert.Equal(2, e.Requests.Count);
        Assert.Equal("u1", e.Requests[0].Member);
        Assert.Equal("A", e.Requests[0].Context.Tab);
        Assert.Equal(["s1", "s2"], e.Requests[0].Exclude.Order());
        Assert.Equal(["s3", "s4"], e.RelevantOf(0));
        Assert.Equal(new ListContext("B", "screen", "type"), e.Requests[1].Context);
        Assert.Equal(["s2", "s3"], e.Requests[1].Exclude.Order());
        Assert.Equal(["s1"], e.RelevantOf(1));
    }

    [Fact]
    public void HandComputedScores()
    {
        var e = Small();
        var r = new Fixed(new() { ["u1"] = ["s4", "s3"], ["u2"] = ["s4", "s1"] });
        var s = e.Evaluate(r);
        Assert.Equal(1, r.Fits);
        // listens: u1/s3 at rank 2, u1/s4 at rank 1, u2/s1 at rank 2
        Assert.Equal(1, s.HitRate10);
        Assert.Equal((1 / Math.Log2(3) + 1 + 1 / Math.Log2(3)) / 3, s.Ndcg10, 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, s.Mrr, 12);
        Assert.Equal(1, s.Recall50);
        Assert.Equal(0.75, s.Coverage, 12);          // s1, s3, s4 of 4 songs
        Assert.Equal(0.9, s.Personalisation, 12);    // the two lists share s4: 1 of 10
        Assert.Equal(2, s.Lists);
        Assert.Equal(3, s.Listens);
    }

    [Fact]
    public void EmptyListsScoreZero()
    {
        var s = Small().Evaluate(new Fixed(new() { ["u1"] = [], ["u2"] = [] }));
        Assert.Equal(0, s.HitRate10);
        Assert.Equal(0, s.Ndcg10);
        Assert.Equal(0, s.Mrr);
        Assert.Equal(0, s.Recall50);
        Assert.Equal(0, s.Coverage);
    }

    [Fact]
    public void AHitBelowTheTopTenCountsOnlyForRecallAndMrr()
    {
        var e = Small();
        var filler = Enumerable.Range(0, 11).Select(i => $"x{i}").ToArray();
        var s = e.Evaluate(new Fixed(new() { ["u1"] = [.. filler, "s3"], ["u2"] = [.. filler, "s1"] }));
        Assert.Equal(0, s.HitRate10);
        Assert.Equal(0, s.Ndcg10);
        Assert.Equal(2 / 12.0 / 3, s.Mrr, 12);            // u1/s3 and u2/s1 at rank 12, u1/s4 missed
        Assert.Equal((0.5 + 1) / 2, s.Recall50, 12);
    }

    [Fact]
    public void AListWithAHeardSongIsRejected()
    {
        var e = Small();
        var error = Assert.Throws<InvalidOperationException>(() => e.Evaluate(new Fixed(new() { ["u1"] = ["s1"], ["u2"] = ["s1"] })));
        Assert.Contains("s1", error.Message);
    }

    [Fact]
    public void TimeSplitKeepsRowOrder()
    {
        var listens = Enumerable.Range(0, 20).Select(i => L($"u{i % 3}", $"s{i}")).ToList();
        var e = ListEvaluation.TimeSplit(listens);
        Assert.Equal(listens.Take(19), e.Train);
        Assert.Equal(listens.Skip(19), e.Test);
    }

    [Fact]
    public void NoTestListensGiveNoListsAndNoCrash()
    {
        var e = new ListEvaluation([L("u1", "s1")], []);
        var s = e.Evaluate(new PopularRecommender());
        Assert.Equal(0, s.Lists);
        Assert.Equal(0, s.HitRate10);
        Assert.True(double.IsNaN(s.Personalisation));
    }
}
