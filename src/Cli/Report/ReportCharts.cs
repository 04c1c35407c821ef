using KkboxNcf.Model.Metrics;
using KkboxNcf.Cli.Report.Svg;
using KkboxNcf.Scorer.Serving;
using KkboxNcf.Trainer.Metrics;

namespace KkboxNcf.Cli.Report;

/// <summary>A drawn chart: its section, a caption saying what is drawn, and the inline SVG.</summary>
public sealed record ReportChart(string Id, string Section, string Caption, string Svg);

/// <summary>Draws every chart the data allows. A chart without data is not drawn (its section says why instead).</summary>
public static class ReportCharts
{
    public static IReadOnlyList<ReportChart> Draw(ReportData d)
    {
        var charts = new List<ReportChart>();
        void Add(string id, string section, string caption, LineChart c) { if (c.HasData) charts.Add(new(id, section, caption, c.Render())); }

        var offline = d.Offline;
        var reference = offline?.Find("ncf") ?? offline?.Models.Where(m => double.IsFinite(m.Test.Auc)).MaxBy(m => m.Test.Auc);
        if (offline is { Models.Count: > 0 })
        {
            var rows = offline.Models.Concat(offline.BestReachable is { } t ? [t] : Array.Empty<OfflineModel>()).ToList();
            var bars = new BarChart
            {
                Title = "RMSE and MAE on the offline test set", YLabel = "error (lower is better)",
                Categories = rows.Select(m => m.Name.ToUpperInvariant()).ToList(),
                Series = [("RMSE", rows.Select(m => m.Test.Rmse).ToArray()), ("MAE", rows.Select(m => m.Test.Mae).ToArray())],
            };
            if (bars.HasData) charts.Add(new("offline_rmse_mae", "offline", "Global errors of the predicted replay probability (the seed's Fig. 2)" +
                (offline.BestReachable is null ? "." : "; TRUTH = the generator's true probabilities."), bars.Render()));
            foreach (var k in offline.Models[0].Test.TopK.Keys.Order())
                foreach (string metric in TopKSummary.MetricNames)
                {
                    var box = new BoxChart
                    {
                        Title = $"{MetricTitle(metric)}, top {k}",
                        Boxes = offline.Models.Select(m => m.Test.TopK.TryGetValue(k, out var tk) ? Stats(m.Name.ToUpperInvariant(), tk[metric])
                            : new BoxStats(m.Name.ToUpperInvariant(), double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0)).ToList(),
                    };
                    if (box.HasData) charts.Add(new($"offline_{metric}_top{k}", "offline-boxes", "", box.Render()));
                }
        }

        if (d.Online is { } on)
        {
            var pts = on.Points;
            string refName = reference is null ? "" : $"offline {reference.Name.ToUpperInvariant()} test";
            XBand? band = offline is { Split: "time" } && on.FirstPassLabeled is not null
                ? new XBand($"offline test rows (last {offline.Examples.Test:N0} labelled listens)", offline.Examples.Train + offline.Examples.Valid, offline.Examples.Total) : null;
            LineChart Online(string title, string y, Func<MetricsSnapshot, double?> cum, Func<MetricsSnapshot, double?> win, double? refValue, double? truthValue)
            {
                var c = new LineChart { Title = title, XLabel = "stream position (listens seen)", YLabel = y };
                c.Series.Add(new Series("cumulative (all listens so far)", pts.Select(p => ((double)p.Position, cum(p))).ToList()));
                c.Series.Add(new Series($"window (last {on.WindowSize:N0} labelled)", pts.Select(p => ((double)p.Position, win(p))).ToList()));
                if (refValue is { } r && double.IsFinite(r)) c.HLines.Add(new HLine(refName, r));
                if (truthValue is { } t && double.IsFinite(t)) c.HLines.Add(new HLine("best reachable on the offline test rows", t, Palette.SecondReference, "2 3"));
                if (band is not null) c.Bands.Add(band);
                return c;
            }
            var truth = offline?.BestReachable?.Test;
            Add("online_auc", "online", "Prequential ROC AUC: each listen scored before the model trains on it. The dashed line is the offline model's AUC on its test rows (the shaded stretch).",
                Online("Online ROC AUC against stream position", "ROC AUC", p => p.Auc, p => p.WindowAuc, reference?.Test.Auc, truth?.Auc));
            Add("online_member_auc", "online", "Mean per-member ROC AUC (members with both classes); the dashed line is the offline model's mean member AUC on its test rows.",
                Online("Online per-member AUC against stream position", "mean member AUC", p => p.MemberAuc, p => p.WindowMemberAuc, reference?.Test.MeanMemberAuc, truth?.MeanMemberAuc));
            Add("online_log_loss", "online", "Prequential log loss (lower is better); the dashed line is the offline model's test log loss.",
                Online("Online log loss against stream position", "log loss", p => p.LogLoss, p => p.WindowLogLoss, reference?.Test.LogLoss, truth?.LogLoss));
            var lat = new LineChart { Title = "Event-to-model latency against stream position", XLabel = "stream position (listens seen)", YLabel = "ms (log scale)", LogY = true };
            lat.Series.Add(new Series("p50", pts.Select(p => ((double)p.Position, p.LatencyP50)).ToList()));
            lat.Series.Add(new Series("p95", pts.Select(p => ((double)p.Position, p.LatencyP95)).ToList()));
            lat.Series.Add(new Series("p99", pts.Select(p => ((double)p.Position, p.LatencyP99)).ToList()));
            Add("online_latency", "freshness", "Trainer: time from a listen's production to the end of the training step that used it (percentiles over all listens so far).", lat);
        }

        if (d.Served is { } sv)
        {
            long t0 = sv.Series.SelectMany(i => i.Lines).Min(l => l.TimeMs);
            var c = new LineChart { Title = $"Served hit rate against time", XLabel = "seconds since the first Scorer metrics line", YLabel = "share of labelled listens" };
            for (int i = 0; i < sv.Series.Count; i++)
            {
                string who = sv.Series.Count == 1 ? "" : $" (Scorer {i + 1})";
                var lines = sv.Series[i].Lines;
                c.Series.Add(new Series($"song in top {sv.K}{who}", lines.Select(l => ((l.TimeMs - t0) / 1000.0, l.HitRateAtK)).ToList(), Markers: lines.Count < 30));
                c.Series.Add(new Series($"song in the list of {sv.ListSize}{who}", lines.Select(l => ((l.TimeMs - t0) / 1000.0, l.HitRateAtList)).ToList(), Markers: lines.Count < 30));
                c.Series.Add(new Series($"replays: song in top {sv.K}{who}", lines.Select(l => ((l.TimeMs - t0) / 1000.0, l.ReplayHitRateAtK)).ToList(), Dash: "5 3", Markers: lines.Count < 30));
            }
            if (sv.ChanceHitRateAtK is { } chance) c.HLines.Add(new HLine($"chance: {sv.K} random songs of {sv.SongsKnown:N0}", chance));
            Add("served_hit_rate", "served", "Share of labelled listens whose song was in the member's list in Redis at the time of the listen (cumulative since the Scorer started).", c);

            if (sv.ShadowPopularHitRateAtK is not null)
            {
                var vs = new LineChart { Title = $"Served against shadow popularity, hit rate at {sv.K}", XLabel = "seconds since the first Scorer metrics line", YLabel = "share of labelled listens" };
                for (int i = 0; i < sv.Series.Count; i++)
                {
                    string who = sv.Series.Count == 1 ? "" : $" (Scorer {i + 1})";
                    var lines = sv.Series[i].Lines;
                    double X(ServedMetrics l) => (l.TimeMs - t0) / 1000.0;
                    vs.Series.Add(new Series($"served lists{who}", lines.Select(l => (X(l), l.HitRateAtK)).ToList(), Markers: lines.Count < 30));
                    vs.Series.Add(new Series($"shadow: popular in the listen's tab{who}", lines.Select(l => (X(l), l.ShadowPopularHitRateAtK)).ToList(), Dash: "5 3", Markers: lines.Count < 30));
                    vs.Series.Add(new Series($"shadow: most played overall{who}", lines.Select(l => (X(l), l.ShadowMostPlayedHitRateAtK)).ToList(), Dash: "2 3", Markers: lines.Count < 30));
                }
                Add("served_vs_shadow", "served", $"Hit rate at {sv.K} of the lists served, and of the two popularity lists on the same listens (computed beside them, never written; heard songs left out as in the served lists). Cumulative since the Scorer started.", vs);
            }
        }

        var fr = d.Freshness;
        if (fr.EventToModel is not null || fr.EventToList is not null)
        {
            var q = new LineChart
            {
                Title = "Freshness: latency percentiles", XLabel = "percentile", YLabel = "ms (log scale)", LogY = true,
                XTicks = [(0, "p50"), (1, "p95"), (2, "p99"), (3, "max")],
            };
            static IReadOnlyList<(double, double?)> Q(LatencyPercentiles p) => [(0, p.P50), (1, p.P95), (2, p.P99), (3, p.Max)];
            if (fr.EventToModel is { } m) q.Series.Add(new Series("event to model (trained)", Q(m), Markers: true));
            if (fr.EventToList is { } l) q.Series.Add(new Series("event to list (re-scored in Redis)", Q(l).Where(p => p.Item2 is not null).ToList(), Markers: true));
            Add("freshness_quantiles", "freshness", "Latency distributions as percentiles (the Scorer reports p50, p95 and max).", q);
        }
        return charts;
    }

    static BoxStats Stats(string name, Distribution x) => new(name, x.Min, x.Q1, x.Median, x.Q3, x.Max, x.Mean, x.Count);

    public static string MetricTitle(string metric) => metric switch
    {
        "f1" => "F1", "auc" => "ROC AUC", _ => char.ToUpperInvariant(metric[0]) + metric[1..],
    };
}
