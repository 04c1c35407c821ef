using System.Globalization;

namespace KkboxNcf.Data.Evaluation;

/// <summary>The best AUC any model could reach on a data set, and its positive rate.</summary>
public sealed record TruthAuc(long Rows, double PositiveRate, double BestAuc);

/// <summary>
/// The generator's truth files: train_truth.csv (row,p: each train row's true replay probability,
/// row = 1-based data row of train.csv) and test_truth.csv (id,p,target). Scoring the labels with
/// the true probabilities gives the best AUC reachable on the data.
/// </summary>
public static class TruthFile
{
    public const string TrainName = "train_truth.csv";
    public const string TestName = "test_truth.csv";

    /// <summary>Reads train_truth.csv: p by row (index 0 = row 1).</summary>
    public static float[] ReadTrainProbabilities(string path)
    {
        var p = new List<float>();
        using var reader = new StreamReader(path);
        string header = reader.ReadLine() ?? "";
        if (header != "row,p") throw new KkboxFormatException($"{path}: wrong header, expected the columns row,p; found {header}");
        string? line;
        long expected = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            int comma = line.IndexOf(',');
            if (comma < 0 || !long.TryParse(line.AsSpan(0, comma), out long row) || row != expected
                || !float.TryParse(line.AsSpan(comma + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float prob))
                throw new KkboxFormatException($"{path}: line {expected + 1} is not 'row,p' for row {expected}: {line}");
            p.Add(prob);
            expected++;
        }
        return p.ToArray();
    }

    /// <summary>Best AUC on train.csv: its labels scored by the truth file's p, joined by row number.</summary>
    public static TruthAuc ForTrain(string dataDir)
    {
        var p = ReadTrainProbabilities(Path.Combine(dataDir, TrainName));
        var labels = new byte[p.Length];
        var scores = new float[p.Length];
        int n = 0;
        var report = new ReadReport();
        KkboxReader.ScanListens(Path.Combine(dataDir, KkboxSchema.Train.FileName), report, (in ListenFields f) =>
        {
            if (f.Row > p.Length) throw new KkboxFormatException($"train.csv row {f.Row} has no line in {TrainName} ({p.Length} rows)");
            scores[n] = p[f.Row - 1];
            labels[n++] = (byte)f.Target;
        });
        return Summarise(scores.AsSpan(0, n), labels.AsSpan(0, n));
    }

    /// <summary>Best AUC on test.csv (whose labels only the generator knows): from test_truth.csv alone.</summary>
    public static TruthAuc ForTest(string dataDir)
    {
        var scores = new List<float>();
        var labels = new List<byte>();
        string path = Path.Combine(dataDir, TestName);
        using var reader = new StreamReader(path);
        string header = reader.ReadLine() ?? "";
        if (header != "id,p,target") throw new KkboxFormatException($"{path}: wrong header, expected the columns id,p,target; found {header}");
        string? line;
        long number = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            var parts = line.Split(',');
            if (parts.Length != 3 || !float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out float prob) || parts[2] is not ("0" or "1"))
                throw new KkboxFormatException($"{path}: line {number} is not 'id,p,target': {line}");
            scores.Add(prob);
            labels.Add(parts[2] == "1" ? (byte)1 : (byte)0);
        }
        return Summarise(scores.ToArray(), labels.ToArray());
    }

    public static TruthAuc Summarise(ReadOnlySpan<float> p, ReadOnlySpan<byte> labels)
    {
        long positives = 0;
        foreach (byte b in labels) positives += b;
        return new TruthAuc(labels.Length, labels.Length == 0 ? 0 : (double)positives / labels.Length, RocAuc.Compute(p, labels));
    }
}
