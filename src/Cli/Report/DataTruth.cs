using KkboxNcf.Data.Evaluation;
using KkboxNcf.Data;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// What the data folder says: whether it is generated (truth files present) and then the best AUC
/// any model could reach over the whole replayed train.csv (the online stream's labels) and test.csv.
/// </summary>
public sealed record DataTruth(string Dir, bool Generated, TruthAuc? Train, TruthAuc? Test)
{
    public static DataTruth Load(string dir)
    {
        if (!Directory.Exists(dir)) throw new ReportInputException($"--data: no folder {dir}");
        bool hasTrain = File.Exists(Path.Combine(dir, TruthFile.TrainName));
        bool hasTest = File.Exists(Path.Combine(dir, TruthFile.TestName));
        if (!hasTrain && !hasTest) return new DataTruth(dir, false, null, null);
        try
        {
            return new DataTruth(dir, true, hasTrain ? TruthFile.ForTrain(dir) : null, hasTest ? TruthFile.ForTest(dir) : null);
        }
        catch (KkboxFormatException e) { throw new ReportInputException($"--data: {e.Message}"); }
    }
}
