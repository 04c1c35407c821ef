using KkboxNcf.Model.Training;

namespace KkboxNcf.Tests.Model;

public class DataSplitTests
{
    [Fact]
    public void TimeSplitKeepsOrderInTheSeedsProportions()
    {
        var s = DataSplit.ByTime(1000);
        Assert.Equal(855, s.Train.Length);
        Assert.Equal(95, s.Valid.Length);
        Assert.Equal(50, s.Test.Length);
        Assert.Equal(Enumerable.Range(0, 1000), s.Train.Concat(s.Valid).Concat(s.Test));
    }

    [Fact]
    public void RandomSplitIsSeededDisjointAndComplete()
    {
        var a = DataSplit.Random(1000, 5);
        var b = DataSplit.Random(1000, 5);
        Assert.Equal(a.Test, b.Test);
        Assert.Equal(50, a.Test.Length);
        Assert.Equal(95, a.Valid.Length);
        Assert.Equal(Enumerable.Range(0, 1000), a.Train.Concat(a.Valid).Concat(a.Test).Order());
        Assert.NotEqual(Enumerable.Range(950, 50), a.Test);
    }
}
