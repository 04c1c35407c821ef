using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KkboxNcf.Model.Metrics;
using KkboxNcf.Scorer.Serving;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Tests.Report;

/// <summary>
/// Small inputs of `kkbox report` in the producers' own formats: an offline metrics.json (Evaluation
/// records as `kkbox offline` serialises them), Trainer MetricsSnapshot and Scorer ServedMetrics
/// lines (their own ToJson), and a generated-looking data folder (train.csv + train_truth.csv).
/// </summary>
public static class ReportFixture
{
    public const int Listens = 2_000;
    public const int TestRows = 100;
    public const double FirstPassAuc = 0.7012;
    public const double HitRateAtK = 0.031;
    /// <summary>The shadow popular list's hit rate on the same listens: served / shadow = 2.5.</summary>
    public const double ShadowPopularHitRateAtK = 0.0124;

    static readonly JsonSerializerOptions OfflineJson = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>DIR/metrics.json with models mf and ncf and the truth row; returns the folder.</summary>
    public static string Offline(string root, string data)
    {
        var rng = new Random(7);
        var members = Enumerable.Range(0, TestRows).Select(i => i % 10).ToArray();
        var truthP = Enumerable.Range(0, TestRows).Select(_ => (float)rng.NextDouble()).ToArray();
        var labels = truthP.Select(p => rng.NextDouble() < p ? 1f : 0f).ToArray();
        float[] Noisy(double noise) => truthP.Select(p => (float)Math.Clamp(p + noise * (rng.NextDouble() - 0.5), 0.01, 0.99)).ToArray();
        object Model(string name, float[] scores) => new
        {
            name,
            test = Evaluation.Compute(members, scores, labels, [10, 50]),
            epochs = Array.Empty<object>(),
            train_seconds = 3.0,
            settings = "fixture",
        };
        var json = new
        {
            data = Path.GetFullPath(data),
            split = "time",
            examples = new { train = 1_710, valid = 190, test = TestRows },
            best_reachable = Model("truth", truthP),
            models = new[] { Model("mf", Noisy(1.6)), Model("ncf", Noisy(0.8)) },
        };
        string dir = Path.Combine(root, "offline");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "metrics.json"), JsonSerializer.Serialize(json, OfflineJson));
        return dir;
    }

    /// <summary>The Trainer's metrics.jsonl: one line per 100 listens, undefined metrics at the start, one unreadable last line.</summary>
    public static string TrainerMetrics(string root)
    {
        var sb = new StringBuilder();
        for (int pos = 100; pos <= Listens + 200; pos += 100)
        {
            long labeled = Math.Min(pos, Listens);
            double progress = labeled / (double)Listens;
            double? auc = pos < 200 ? null : pos >= Listens ? FirstPassAuc : 0.6 + 0.1 * progress;
            double? win = pos < 300 ? null : 0.62 + 0.12 * progress;
            var s = new MetricsSnapshot(pos, pos, labeled, pos - labeled, 0, pos / 100, 1_700_000_000_000 + pos * 10,
                auc, 0.69 - 0.05 * progress, 0.55 + 0.1 * progress, auc - 0.03, 10,
                200, Math.Min(200, labeled), win, 0.68 - 0.06 * progress, 0.6, win - 0.02, 9,
                300 + pos % 7, 900, 1500, 2500, 10, 400, 0, 0, 10, 400, 400, 0, 1000);
            sb.AppendLine(s.ToJson());
        }
        sb.Append("{\"position\": 2300, \"labe");   // a line cut off while the Trainer was writing
        return Write(root, "trainer-metrics.jsonl", sb.ToString());
    }

    /// <summary>The Scorer's metrics file: a few lines over time.</summary>
    public static string ScorerMetrics(string root)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= 6; i++)
        {
            var m = new ServedMetrics("scorer", 1_700_000_000_000 + i * 10_000, i, 10, 100, 200L * i, 180L * i, 20L * i,
                i == 6 ? HitRateAtK : HitRateAtK * i / 6, 0.12 * i / 6, 90L * i, 0.05 * i / 6, 0.2 * i / 6, 150, 600, 1200,
                ObservedPopular: 30L, ShadowPopularHitRateAtK: i == 6 ? ShadowPopularHitRateAtK : 0.02, ShadowMostPlayedHitRateAtK: 0.008);
            sb.AppendLine(m.ToJson());
        }
        return Write(root, "scorer-metrics.jsonl", sb.ToString());
    }

    /// <summary>A data folder with train.csv and train_truth.csv (labels drawn from the truth).</summary>
    public static string Data(string root)
    {
        string dir = Path.Combine(root, "data");
        Directory.CreateDirectory(dir);
        var rng = new Random(11);
        var train = new StringBuilder("msno,song_id,source_system_tab,source_screen_name,source_type,target\n");
        var truth = new StringBuilder("row,p\n");
        for (int row = 1; row <= Listens; row++)
        {
            double p = rng.NextDouble();
            train.Append($"m{row % 10},s{row % 37},discover,Discover Feature,online-playlist,{(rng.NextDouble() < p ? 1 : 0)}\n");
            truth.Append(row).Append(',').Append(p.ToString("0.####", CultureInfo.InvariantCulture)).Append('\n');
        }
        File.WriteAllText(Path.Combine(dir, "train.csv"), train.ToString());
        File.WriteAllText(Path.Combine(dir, "train_truth.csv"), truth.ToString());
        return dir;
    }

    static string Write(string root, string name, string text)
    {
        string path = Path.Combine(root, name);
        File.WriteAllText(path, text);
        return path;
    }
}
