namespace KkboxNcf.Model.Training;

/// <summary>Positions of the train, validation and test examples of a data set.</summary>
public sealed record DataSplit(int[] Train, int[] Valid, int[] Test)
{
    /// <summary>The seed's proportions: 5% test, then 10% of the rest validation (85.5 / 9.5 / 5).</summary>
    public const double TestFraction = 0.05;
    public const double ValidFractionOfRest = 0.10;

    /// <summary>
    /// In time order: the first 85.5% train, the next 9.5% validation, the last 5% test. Row order is
    /// the only clock of KKBOX; this is the default because a random split lets the model see the future.
    /// </summary>
    public static DataSplit ByTime(int count)
    {
        var (train, valid, _) = Sizes(count);
        var all = Enumerable.Range(0, count).ToArray();
        return new DataSplit(all[..train], all[train..(train + valid)], all[(train + valid)..]);
    }

    /// <summary>The seed's split: examples drawn at random (seeded) into the same proportions; each part keeps row order.</summary>
    public static DataSplit Random(int count, int seed)
    {
        var (train, valid, _) = Sizes(count);
        var order = Enumerable.Range(0, count).ToArray();
        new System.Random(seed).Shuffle(order);
        return new DataSplit(Sorted(order[..train]), Sorted(order[train..(train + valid)]), Sorted(order[(train + valid)..]));
    }

    public static (int Train, int Valid, int Test) Sizes(int count)
    {
        int test = (int)Math.Round(count * TestFraction);
        int valid = (int)Math.Round((count - test) * ValidFractionOfRest);
        return (count - test - valid, valid, test);
    }

    static int[] Sorted(int[] a)
    {
        Array.Sort(a);
        return a;
    }
}
