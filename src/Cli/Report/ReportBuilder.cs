namespace KkboxNcf.Cli.Report;

/// <summary>Gathers the inputs into ReportData: sections that have input, and a plain reason for each that has none.</summary>
public static class ReportBuilder
{
    public static ReportData Build(ReportOptions o, DateTimeOffset now)
    {
        var missing = new Dictionary<string, string>();
        OfflineResults? offline = o.Offline is null ? null : OfflineResults.Load(o.Offline);
        if (offline is null) missing["offline"] = "No offline results were given (--offline DIR, the folder `kkbox offline --out` wrote).";
        else if (offline.Models.Count == 0) missing["offline"] = $"{o.Offline} lists no models.";

        var lines = o.Online.Count == 0 ? null : MetricsLines.Load(o.Online);
        var run = lines is null ? null : OnlineRun.From(lines);
        var served = lines is null ? null : ServedRun.From(lines);
        var truth = o.Data is null ? null : DataTruth.Load(o.Data);

        OnlineSection? online = null;
        if (run is null)
            missing["online"] = lines is null
                ? "No online run was given (--online FILE-or-DIR: the Trainer's metrics.jsonl, by default in its checkpoint folder)."
                : $"No Trainer metrics line in {string.Join(", ", lines.Files)}.";
        else
        {
            long? passTarget = offline?.Examples.Total ?? truth?.Train?.Rows;
            var atPass = passTarget is { } n ? run.AtLabeled(n) : null;
            online = new OnlineSection(run.File, run.EarlierRunsIgnored, run.Resumes, run.Last.WindowSize, passTarget, atPass is not null,
                atPass ?? run.Last, run.Last, run.Points);
        }

        ServedSection? servedSection = null;
        if (served is null)
            missing["served"] = lines is null
                ? "No Scorer metrics were given (--online with the Scorer's Scorer:MetricsFile)."
                : $"No Scorer metrics line (\"source\":\"scorer\") in {string.Join(", ", lines.Files)}: run the Scorer with Scorer:MetricsFile set.";
        else
        {
            long? songs = run?.Last.Songs is > 0 and var s ? s : null;
            servedSection = new ServedSection(served.Instances.Count, served.K, served.ListSize, served.Labeled, served.Observed, served.NotServed,
                served.HitRateAtK, served.HitRateAtList, served.Replays, served.ReplayHitRateAtK, served.ReplayHitRateAtList,
                songs, songs is { } n ? Math.Min(1, (double)served.K / n) : null,
                served.Instances.Select(i => new ServedInstance(i.File, i.Lines)).ToList(),
                served.ObservedPopular, served.ShadowPopularHitRateAtK, served.ShadowMostPlayedHitRateAtK,
                served.ModelHitRateAtK, served.ModelShadowPopularHitRateAtK);
        }

        LatencyPercentiles? toModel = null, toList = null;
        if (run?.Last is { LatencyP50: not null } last)
            toModel = new LatencyPercentiles(last.LatencyP50, last.LatencyP95, last.LatencyP99, last.LatencyMax,
                $"Trainer, every listen trained up to stream position {last.Position:N0}");
        if (served?.Freshness is { FreshnessMax: > 0 } f)
            toList = new LatencyPercentiles(f.FreshnessP50, f.FreshnessP95, null, f.FreshnessMax,
                $"Scorer fresh path, listens re-scored since it started ({f.Observed:N0} listens observed by that instance)");
        if (toModel is null) missing["event_to_model"] = run is null ? "No Trainer metrics: event-to-model latency unknown." : "The Trainer reported no latency (no listen trained yet).";
        if (toList is null) missing["event_to_list"] = served is null ? "No Scorer metrics: event-to-list latency unknown." : "The Scorer re-scored no list from a listen (fresh path idle), so event-to-list latency was not measured.";

        TruthSection? truthSection = null;
        if (truth is null) missing["truth"] = "No data folder was given (--data DIR): whether the data is generated, and its best reachable AUC, are unknown.";
        else if (!truth.Generated) missing["truth"] = $"{truth.Dir} has no truth files: it is real KKBOX data, whose best reachable AUC nobody knows.";
        else truthSection = new TruthSection(true, truth.Train, truth.Test, offline?.BestReachable?.Test.Auc);

        var sources = new ReportSources(o.Offline, lines?.Files ?? [], o.Data, lines?.Skipped ?? 0, lines?.FirstSkipped);
        var data = new ReportData(now, sources, offline, online, servedSection, new FreshnessSection(toModel, toList), truthSection, missing, []);
        return data with { Reading = Reading.Write(data) };
    }
}
