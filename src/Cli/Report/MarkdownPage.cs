using KkboxNcf.Model.Metrics;
using System.Globalization;
using System.Text;

namespace KkboxNcf.Cli.Report;

/// <summary>report.md: the page's numbers and reading as Markdown, with the charts as SVG files in charts/.</summary>
public static class MarkdownPage
{
    static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
    static string P(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString(x < 0.1 ? "F2" : "F1", CultureInfo.InvariantCulture) + "%" : "n/a";
    static string Ms(double? v) => v is { } x ? x.ToString(x < 10 ? "0.0" : "N0", CultureInfo.InvariantCulture) + " ms" : "n/a";

    public static string Render(ReportData d, IReadOnlyList<ReportChart> charts)
    {
        var md = new StringBuilder();
        md.AppendLine("# KkboxNcf: offline versus online").AppendLine();
        md.AppendLine($"Generated {d.GeneratedAt:yyyy-MM-dd HH:mm:ss} UTC. Offline: `{d.Sources.Offline ?? "none"}`; online metrics: " +
                      $"{(d.Sources.MetricsFiles.Count == 0 ? "none" : string.Join(", ", d.Sources.MetricsFiles.Select(f => $"`{f}`")))}; data: `{d.Sources.Data ?? "none"}`.").AppendLine();
        md.AppendLine("## Reading").AppendLine();
        foreach (var line in d.Reading) md.AppendLine($"- {line}");
        md.AppendLine();

        md.AppendLine("## Offline").AppendLine();
        Missing(md, d, "offline");
        if (d.Offline is { Models.Count: > 0 } o)
        {
            md.AppendLine($"{o.Split} split: train {o.Examples.Train:N0}, validation {o.Examples.Valid:N0}, test {o.Examples.Test:N0} labelled listens.").AppendLine();
            md.AppendLine("| model | ROC AUC | gap closed | mean member AUC | log loss | RMSE | MAE |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            double? best = o.BestReachable?.Test.Auc;
            foreach (var m in o.Models.Concat(o.BestReachable is { } t ? [t] : Array.Empty<OfflineModel>()))
            {
                bool truth = m == o.BestReachable;
                md.AppendLine($"| {(truth ? "truth (best reachable)" : m.Name)} | {F(m.Test.Auc)} | {(best is { } b && !truth ? P((m.Test.Auc - 0.5) / (b - 0.5)) : "")} | " +
                              $"{F(m.Test.MeanMemberAuc)} | {F(m.Test.LogLoss)} | {F(m.Test.Rmse)} | {F(m.Test.Mae)} |");
            }
            md.AppendLine();
            foreach (int k in o.Models[0].Test.TopK.Keys.Order())
            {
                md.AppendLine($"| top {k} (member means) | " + string.Join(" | ", TopKSummary.MetricNames.Select(ReportCharts.MetricTitle)) + " |");
                md.AppendLine("|---" + string.Concat(Enumerable.Repeat("|---", TopKSummary.MetricNames.Length)) + "|");
                foreach (var m in o.Models)
                    md.AppendLine($"| {m.Name} | " + string.Join(" | ", TopKSummary.MetricNames.Select(x => m.Test.TopK.TryGetValue(k, out var tk) ? F(tk[x].Mean) : "n/a")) + " |");
                md.AppendLine();
            }
        }
        Charts(md, charts, "offline", "offline-boxes");

        md.AppendLine("## Online (prequential)").AppendLine();
        Missing(md, d, "online");
        if (d.Online is { } on)
        {
            md.AppendLine($"From `{on.File}` ({on.Points.Count:N0} lines; window {on.WindowSize:N0} labelled listens).").AppendLine();
            md.AppendLine("| point | position | labelled | AUC | window AUC | member AUC | window member AUC | log loss | window log loss | accuracy |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            void Row(string name, KkboxNcf.Trainer.Metrics.MetricsSnapshot s) =>
                md.AppendLine($"| {name} | {s.Position:N0} | {s.Labeled:N0} | {F(s.Auc)} | {F(s.WindowAuc)} | {F(s.MemberAuc)} | {F(s.WindowMemberAuc)} | {F(s.LogLoss)} | {F(s.WindowLogLoss)} | {F(s.Accuracy)} |");
            Row(on.FirstPassComplete ? "end of the first pass" : "end of the run (first pass not complete)", on.AtFirstPass);
            if (on.Last.Position != on.AtFirstPass.Position) Row("end of the run", on.Last);
            md.AppendLine();
        }
        Charts(md, charts, "online");

        md.AppendLine("## Served quality").AppendLine();
        Missing(md, d, "served");
        if (d.Served is { } sv)
        {
            md.AppendLine($"| labelled | with a list before | hit rate at {sv.K} | hit rate in list ({sv.ListSize}) | replays | replay hit rate at {sv.K} | chance at {sv.K} |");
            md.AppendLine("|---|---|---|---|---|---|---|");
            md.AppendLine($"| {sv.Labeled:N0} | {sv.Observed:N0} | {P(sv.HitRateAtK)} | {P(sv.HitRateAtList)} | {sv.Replays:N0} | {P(sv.ReplayHitRateAtK)} | {P(sv.ChanceHitRateAtK)} |");
            md.AppendLine();
            if (sv.ShadowPopularHitRateAtK is not null)
            {
                md.AppendLine($"| on the same listens, at {sv.K} | served | shadow: popular in the listen's tab | shadow: most played | served / popular |");
                md.AppendLine("|---|---|---|---|---|");
                md.AppendLine($"| {sv.Observed:N0} listens | {P(sv.HitRateAtK)} | {P(sv.ShadowPopularHitRateAtK)} | {P(sv.ShadowMostPlayedHitRateAtK)} | " +
                              $"{(sv.RatioToPopular is { } ratio ? ratio.ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} |");
                if (sv.ModelHitRateAtK is { } model && sv.ModelShadowPopularHitRateAtK is { } shadow)
                    md.AppendLine($"| {sv.Observed - sv.ObservedPopular:N0} listens with a model list | {P(model)} | {P(shadow)} |  | " +
                                  $"{(shadow > 0 ? (model / shadow).ToString("0.00", CultureInfo.InvariantCulture) : "n/a")} |");
                md.AppendLine();
            }
        }
        Charts(md, charts, "served");

        md.AppendLine("## Freshness").AppendLine();
        Missing(md, d, "event_to_model");
        Missing(md, d, "event_to_list");
        if (d.Freshness.EventToModel is not null || d.Freshness.EventToList is not null)
        {
            md.AppendLine("| path | p50 | p95 | p99 | max | measured |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var (name, p) in new[] { ("event to model", d.Freshness.EventToModel), ("event to list", d.Freshness.EventToList) })
                if (p is not null) md.AppendLine($"| {name} | {Ms(p.P50)} | {Ms(p.P95)} | {Ms(p.P99)} | {Ms(p.Max)} | {p.Measured} |");
            md.AppendLine();
        }
        Charts(md, charts, "freshness");

        md.AppendLine("## Best reachable AUC").AppendLine();
        Missing(md, d, "truth");
        if (d.Truth is { } tr)
        {
            md.AppendLine("| listens | rows | positive rate | best reachable AUC |");
            md.AppendLine("|---|---|---|---|");
            if (tr.Stream is { } s) md.AppendLine($"| train.csv (the replayed stream) | {s.Rows:N0} | {P(s.PositiveRate)} | {F(s.BestAuc)} |");
            if (tr.OfflineTestSplit is { } ot) md.AppendLine($"| offline test rows | {d.Offline?.Examples.Test:N0} |  | {F(ot)} |");
            if (tr.TestCsv is { } tc) md.AppendLine($"| test.csv | {tc.Rows:N0} | {P(tc.PositiveRate)} | {F(tc.BestAuc)} |");
            md.AppendLine();
        }
        return md.ToString();
    }

    static void Missing(StringBuilder md, ReportData d, string key)
    {
        if (d.Missing.TryGetValue(key, out var why)) md.AppendLine($"**Not available.** {why}").AppendLine();
    }

    static void Charts(StringBuilder md, IReadOnlyList<ReportChart> charts, params string[] sections)
    {
        var list = charts.Where(c => sections.Contains(c.Section)).ToList();
        foreach (var c in list) md.AppendLine($"![{c.Id}](charts/{c.Id}.svg)");
        if (list.Count > 0) md.AppendLine();
    }
}
