using KkboxNcf.Data;
using KkboxNcf.Data.Evaluation;
using KkboxNcf.Model.Features;
using KkboxNcf.Model.Training;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// The labelled listens of a KKBOX folder (train.csv), joined with members, songs and
/// song_extra_info, split 85.5 / 9.5 / 5 (in time order or at random) and encoded. The vocabularies
/// hold every member and song of the metadata files plus what the train split adds; validation and
/// test values never seen map to the unknown row (counted).
/// </summary>
public sealed record OfflineData(
    FeatureSpace Space, EncodedDataset Train, EncodedDataset Valid, EncodedDataset Test,
    float[]? TestTruth, ReadReport Report, IReadOnlyDictionary<string, long> Unseen)
{
    /// <param name="maxRows">Read only the first this many labelled listens of train.csv (0: all).</param>
    public static OfflineData Load(string dir, bool timeSplit, int seed, TextWriter log, CancellationToken ct, int maxRows = 0)
    {
        string Path(string name) => System.IO.Path.Combine(dir, name);
        foreach (var required in new[] { "train.csv", "members.csv", "songs.csv" })
            if (!File.Exists(Path(required))) throw new UsageException($"{dir} has no {required}");
        var rejects = new RejectSink(Path("rejects.jsonl"));
        var report = new ReadReport(rejects);
        var space = new FeatureSpace();
        foreach (var m in KkboxReader.ReadMembers(Path("members.csv"), report, ct)) space.AddMember(m);
        var country = new Dictionary<string, string>(StringComparer.Ordinal);
        if (File.Exists(Path("song_extra_info.csv")))
            foreach (var e in KkboxReader.ReadSongExtras(Path("song_extra_info.csv"), report, ct)) country[e.SongId] = e.Country;
        foreach (var s in KkboxReader.ReadSongs(Path("songs.csv"), report, ct)) space.AddSong(s, country.GetValueOrDefault(s.SongId, ""));
        var labelled = KkboxReader.ReadListens(Path("train.csv"), report, ct).Where(l => l.HasLabel);
        var listens = (maxRows > 0 ? labelled.Take(maxRows) : labelled).ToList();
        rejects.Flush();
        rejects.Dispose();
        log.WriteLine($"read {listens.Count:N0} labelled listens, {space[Field.User].Count - 1:N0} members, {space[Field.Song].Count - 1:N0} songs; {report.TotalRejected:N0} rows rejected");

        var split = timeSplit ? DataSplit.ByTime(listens.Count) : DataSplit.Random(listens.Count, seed);
        var train = space.Encode(split.Train.Select(i => listens[i]).ToList(), grow: true);
        var before = FeatureLayout.Fields.ToDictionary(f => f, f => space[f].UnseenLookups);
        var valid = space.Encode(split.Valid.Select(i => listens[i]).ToList(), grow: false);
        var test = space.Encode(split.Test.Select(i => listens[i]).ToList(), grow: false);
        var unseen = FeatureLayout.Fields.Where(f => space[f].UnseenLookups > before[f])
            .ToDictionary(FeatureLayout.Name, f => space[f].UnseenLookups - before[f]);

        float[]? truth = null;
        if (File.Exists(Path(TruthFile.TrainName)))
        {
            var p = TruthFile.ReadTrainProbabilities(Path(TruthFile.TrainName));
            truth = test.Rows.Select(r => r >= 1 && r <= p.Length ? p[r - 1]
                : throw new InvalidDataException($"{TruthFile.TrainName} has no line for train.csv row {r}")).ToArray();
        }
        return new OfflineData(space, train, valid, test, truth, report, unseen);
    }
}
