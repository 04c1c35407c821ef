using KkboxNcf.Model.Metrics;
using ScottPlot;

namespace KkboxNcf.Cli.Offline;

/// <summary>
/// The seed's figures: RMSE and MAE bars (Fig. 2), and per-member box plots of accuracy, precision,
/// recall (Fig. 3), F1 and ROC AUC (Fig. 4) at top 10 and top 50. Boxes span the quartiles, the
/// line is the median, whiskers reach the furthest member within 1.5 IQR.
/// </summary>
public static class OfflineCharts
{
    public static IReadOnlyList<string> Write(string dir, IReadOnlyList<ModelOutcome> models)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string> { RmseMae(Path.Combine(dir, "rmse_mae.png"), models) };
        foreach (int k in models[0].Test.TopK.Keys)
            foreach (var (metric, pick) in Metrics)
                files.Add(Boxes(Path.Combine(dir, $"{metric}_top{k}.png"), $"{Title(metric)} in the top {k}, per member", models,
                    m => pick(m.Test.TopK[k])));
        return files;
    }

    static readonly (string Name, Func<TopKSummary, Distribution> Pick)[] Metrics =
    [
        ("accuracy", s => s.Accuracy), ("precision", s => s.Precision), ("recall", s => s.Recall), ("f1", s => s.F1), ("roc_auc", s => s.Auc),
    ];

    static string Title(string metric) => metric switch { "f1" => "F1 score", "roc_auc" => "ROC AUC", _ => char.ToUpperInvariant(metric[0]) + metric[1..] };

    static string RmseMae(string path, IReadOnlyList<ModelOutcome> models)
    {
        var plot = new Plot();
        var rmse = plot.Add.Bars(models.Select((_, i) => i * 3.0).ToArray(), models.Select(m => m.Test.Rmse).ToArray());
        rmse.LegendText = "RMSE";
        var mae = plot.Add.Bars(models.Select((_, i) => i * 3.0 + 1).ToArray(), models.Select(m => m.Test.Mae).ToArray());
        mae.LegendText = "MAE";
        plot.Axes.Bottom.SetTicks(models.Select((_, i) => i * 3.0 + 0.5).ToArray(), models.Select(m => m.Name.ToUpperInvariant()).ToArray());
        plot.Title("RMSE and MAE on the test set");
        plot.ShowLegend();
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 800, 500);
        return path;
    }

    static string Boxes(string path, string title, IReadOnlyList<ModelOutcome> models, Func<ModelOutcome, Distribution> pick)
    {
        var plot = new Plot();
        var boxes = new List<Box>();
        for (int i = 0; i < models.Count; i++)
        {
            var d = pick(models[i]);
            if (d.Count == 0) continue;
            double iqr = d.Q3 - d.Q1;
            boxes.Add(new Box
            {
                Position = i,
                BoxMin = d.Q1,
                BoxMax = d.Q3,
                BoxMiddle = d.Median,
                WhiskerMin = d.Values.First(v => v >= d.Q1 - 1.5 * iqr),
                WhiskerMax = d.Values.Last(v => v <= d.Q3 + 1.5 * iqr),
            });
        }
        plot.Add.Boxes(boxes);
        plot.Axes.Bottom.SetTicks(models.Select((_, i) => (double)i).ToArray(), models.Select(m => m.Name.ToUpperInvariant()).ToArray());
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.Title(title);
        plot.SavePng(path, 800, 500);
        return path;
    }
}
