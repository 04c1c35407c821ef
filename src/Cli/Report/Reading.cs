using System.Globalization;

namespace KkboxNcf.Cli.Report;

/// <summary>
/// The report's reading: plain statements computed from the numbers (every comparison word is
/// chosen by the sign and size of a difference), so the text cannot contradict the tables.
/// </summary>
public static class Reading
{
    /// <summary>AUC differences smaller than this are called agreement.</summary>
    public const double Agree = 0.01;

    static string F(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
    static string P(double v) => (v * 100).ToString(v < 0.1 ? "F2" : "F1", CultureInfo.InvariantCulture) + "%";
    static string Ms(double? v) => v is not { } x ? "n/a" : x >= 1000 ? (x / 1000).ToString("0.0#", CultureInfo.InvariantCulture) + " s" : x.ToString("0", CultureInfo.InvariantCulture) + " ms";

    /// <summary>"agrees (within 0.01) with" / "is 0.0123 above" / "is 0.0123 below": the predicate comparing a with b.</summary>
    static string Compare(double a, double b) =>
        Math.Abs(a - b) < Agree ? $"agrees (within {Agree}) with" : a > b ? $"is {F(a - b)} above" : $"is {F(b - a)} below";

    static double Gap(double auc, double best) => (auc - 0.5) / (best - 0.5);

    public static IReadOnlyList<string> Write(ReportData d)
    {
        var r = new List<string>();
        var offline = d.Offline;
        var ncf = offline?.Find("ncf");
        var reference = ncf ?? offline?.Models.Where(m => double.IsFinite(m.Test.Auc)).MaxBy(m => m.Test.Auc);
        double? offlineBest = offline?.BestReachable?.Test.Auc;

        if (offline is not null && reference is not null)
        {
            var best = offline.Models.Where(m => double.IsFinite(m.Test.Auc)).MaxBy(m => m.Test.Auc)!;
            string split = offline.Split == "time" ? "time split: the test rows are the last" : "random split (leaks the future): the test rows are a random";
            r.Add($"Offline ({split} {offline.Examples.Test:N0} of {offline.Examples.Total:N0} labelled listens): {reference.Name} reaches test AUC {F(reference.Test.Auc)}; " +
                  (best == reference ? "no other model is higher." : $"the highest is {best.Name} ({F(best.Test.Auc)}).") +
                  (offlineBest is { } b ? $" The generator's true probabilities reach {F(b)} on the same rows, so {reference.Name} closes {P(Gap(reference.Test.Auc, b))} of the gap from 0.5." : ""));
            var spread = offline.Models.Select(m => m.Test.Auc).Where(double.IsFinite).ToList();
            if (spread.Count > 1 && spread.Max() - spread.Min() < Agree)
                r.Add($"The offline models' test AUCs lie within {F(spread.Max() - spread.Min())} of each other: on this test set they are close to a tie.");
            if (ncf is null) r.Add($"There is no offline NCF in {d.Sources.Offline}; {reference.Name}, the best offline model, stands in for it as the reference line.");
        }

        var on = d.Online;
        string trainShare = offline is null ? "most" : P((double)offline.Examples.Train / offline.Examples.Total);
        string notLearnt = offline is null ? "" : P((double)(offline.Examples.Valid + offline.Examples.Test) / offline.Examples.Total);
        if (on is not null)
        {
            var pass = on.AtFirstPass;
            string where = on.FirstPassComplete
                ? $"after the first pass over the {on.FirstPassLabeled:N0} labelled listens (position {pass.Position:N0})"
                : on.FirstPassLabeled is { } target
                    ? $"at the end of the run, which did not finish one pass ({pass.Labeled:N0} of {target:N0} labelled listens scored)"
                    : $"at the end of the run ({pass.Labeled:N0} labelled listens scored; the length of one pass is unknown without --offline or a generated --data)";
            r.Add($"Online, every listen is scored before the model learns from it (prequential). Cumulative AUC {where}: {F(pass.Auc)}; log loss {F(pass.LogLoss)}; accuracy {F(pass.Accuracy)}.");

            if (reference is not null && pass.Auc is { } cum)
            {
                r.Add($"That cumulative AUC {Compare(cum, reference.Test.Auc)} the offline {reference.Name}'s test AUC {F(reference.Test.Auc)}. " + (
                    Math.Abs(cum - reference.Test.Auc) < Agree
                        ? "The two agree although they weigh the stream differently."
                        : cum < reference.Test.Auc
                            ? $"The cumulative figure averages over the whole stream including its cold start, when the model had seen few listens of a member or song, while the offline model was trained on {trainShare} of the listens for several epochs before being tested: they measure different things."
                            : "The online model has learnt from every listen up to the one it scores (also each member's latest ones), which the frozen offline model never sees; pooling the whole stream also mixes periods with different replay rates, which raises a pooled AUC."));
                if (pass.WindowAuc is { } win)
                {
                    string same = offline!.Split == "time" && on.FirstPassComplete
                        ? $"over the last {pass.WindowEvents:N0} labelled listens before that point (the same end of the stream that the offline test's {offline.Examples.Test:N0} listens cover)"
                        : $"over the last {pass.WindowEvents:N0} labelled listens";
                    r.Add($"Like for like, {same}, the windowed online AUC is {F(win)} and {Compare(win, reference.Test.Auc)} the offline {reference.Name}'s {F(reference.Test.Auc)}. " + (
                        Math.Abs(win - reference.Test.Auc) < Agree
                            ? "Online and offline agree at the end of the stream."
                            : win > reference.Test.Auc
                                ? (offline.Split == "time" ? $"At the end of the stream the online model is the better one: it keeps learning up to each listen, while the offline model stopped learning {notLearnt} of the stream earlier." : "The online model is the better one here: it keeps learning up to each listen.")
                                : $"At the end of the stream the offline model is the better one: several epochs over {trainShare} of the data beat one pass of online updates here.") +
                        (Math.Abs(pass.WindowEvents - offline!.Examples.Test) > 0.2 * offline.Examples.Test ? " (The window and the offline test differ in size, so this comparison is rough.)" : ""));
                }
            }

            var defined = on.Points.Where(p => p.WindowAuc is not null).ToList();
            if (defined.Count >= 2)
            {
                double first = defined[0].WindowAuc!.Value, lastW = defined[^1].WindowAuc!.Value;
                r.Add($"The windowed AUC went from {F(first)} (position {defined[0].Position:N0}) to {F(lastW)} (position {defined[^1].Position:N0}): " +
                      (Math.Abs(lastW - first) < Agree ? "flat: after the first window the model did not improve much." : lastW > first ? "the model learnt as the stream went on." : "it fell; the later stream is harder for this model, or it drifted.") +
                      (on.Points.Count(p => p.Labeled > (on.FirstPassLabeled ?? long.MaxValue)) > 0 ? " Points after the first pass score listens the model has already trained on, so they overstate quality." : ""));
            }

            if (pass.MemberAuc is { } mAuc && pass.Auc is { } gAuc)
            {
                static string Rel(double member, double global) =>
                    Math.Abs(member - global) < Agree ? "close to" : member < global ? $"{F(global - member)} below" : $"{F(member - global)} above";
                bool offlineKnown = reference is not null && double.IsFinite(reference.Test.MeanMemberAuc);
                string off = offlineKnown
                    ? $"; offline {reference!.Name}'s mean member AUC {F(reference.Test.MeanMemberAuc)} is {Rel(reference.Test.MeanMemberAuc, reference.Test.Auc)} its global {F(reference.Test.Auc)}" : "";
                bool lower = mAuc < gAuc - Agree || (offlineKnown && reference!.Test.MeanMemberAuc < reference.Test.Auc - Agree);
                r.Add($"Per-member AUC online is {F(mAuc)}, {Rel(mAuc, gAuc)} the global {F(gAuc)}{off}. " + (lower
                    ? "Where it is lower, ranking one member's replays above their other listens is harder than telling members who replay a lot from those who do not, which the global AUC also rewards."
                    : "Ranking within a member is as easy as ranking across members here."));
            }
        }

        if (d.Truth is { } t && t.Stream is { } stream)
        {
            string s = $"The data is generated: the true replay probabilities reach AUC {F(stream.BestAuc)} over all {stream.Rows:N0} listens of train.csv (positive rate {P(stream.PositiveRate)})";
            if (on?.AtFirstPass.Auc is { } cum && on.FirstPassComplete) s += $"; the online cumulative AUC closes {P(Gap(cum, stream.BestAuc))} of the gap from 0.5 to it";
            if (reference is not null && t.OfflineTestSplit is { } ob) s += $"; on the offline test rows the best reachable is {F(ob)} and {reference.Name} closes {P(Gap(reference.Test.Auc, ob))}";
            r.Add(s + ". No model can pass these numbers on this data; the rest of the gap is the noise the generator put in.");
        }

        if (d.Served is { } sv)
        {
            if (sv.HitRateAtK is { } hit)
            {
                string chance = sv.ChanceHitRateAtK is { } c && c > 0
                    ? $" A list of {sv.K} songs drawn at random from the {sv.SongsKnown:N0} songs the model knows would hit {P(c)} of the time, so the lists hit {(hit / c).ToString(hit / c < 10 ? "0.#" : "N0", CultureInfo.InvariantCulture)} times as often as chance{(hit / c < 2 ? ": barely better than random" : "")}."
                    : "";
                r.Add($"Served: of {sv.Observed:N0} labelled listens that had a list in Redis before them, {P(hit)} were of a song in the member's top {sv.K} ({(sv.HitRateAtList is { } l ? P(l) : "n/a")} in the whole list of {sv.ListSize})." + chance +
                      (sv.ReplayHitRateAtK is { } rh ? $" Among replays (target 1) the top-{sv.K} hit rate is {P(rh)}, {(rh > hit ? "higher" : "not higher")} than over all listens." : "") +
                      (sv.Labeled > 0 ? $" {P((double)sv.NotServed / sv.Labeled)} of labelled listens came before any list for their member and context was served." : "") +
                      " Most KKBOX listens are of songs the member found elsewhere (library, search, playlists), so a low hit rate is expected; it is a floor on usefulness, not a ranking metric like AUC.");
            }
            else r.Add("Served: no labelled listen had a list in Redis before it, so no hit rate can be given.");
            if (sv.HitRateAtK is { } served && sv.ShadowPopularHitRateAtK is { } popular)
            {
                string verdict = sv.RatioToPopular is not { } ratio
                    ? "the popular list never hit, so no ratio can be given"
                    : $"served / shadow popular = {ratio.ToString("0.00", CultureInfo.InvariantCulture)}: " + (ratio >= 2
                        ? "the served lists hit at least twice as often as popularity (the target is 2)"
                        : ratio > 1
                            ? "better than popularity, but short of the target of twice as often"
                            : "the served lists do no better than the popular list, so serving the model adds nothing here (the target is twice as often)");
                r.Add($"Served against popularity, on the same {sv.Observed:N0} listens: the served lists hit {P(served)} at {sv.K}; the popular list of the listen's tab would have hit {P(popular)}" +
                      (sv.ShadowMostPlayedHitRateAtK is { } most ? $" and the {sv.K} most played songs {P(most)}" : "") + $"; {verdict}." +
                      (sv.ObservedPopular > 0 ? $" {P((double)sv.ObservedPopular / Math.Max(1, sv.Observed))} of these listens were judged against a popular list the Scorer served itself (before the first checkpoint, or a member of whom the model knew neither the member nor their songs), where served and shadow nearly coincide (the shadow's popularity is the newer)." : "") +
                      (sv.ObservedPopular > 0 && sv.ModelHitRateAtK is { } model && sv.ModelShadowPopularHitRateAtK is { } modelShadow
                          ? $" On the {sv.Observed - sv.ObservedPopular:N0} listens judged against model lists only, the model hit {P(model)} and the popular list {P(modelShadow)}" +
                            (modelShadow > 0 ? $" (ratio {(model / modelShadow).ToString("0.00", CultureInfo.InvariantCulture)})." : ".")
                          : ""));
            }
        }

        var fr = d.Freshness;
        if (fr.EventToModel is { } m || fr.EventToList is not null)
        {
            var parts = new List<string>();
            if (fr.EventToModel is { } tm) parts.Add($"a listen reaches the model (trained on) in {Ms(tm.P50)} at the median and {Ms(tm.P95)} at p95");
            if (fr.EventToList is { } tl) parts.Add($"a member's list is re-scored in Redis {Ms(tl.P50)} (median) and {Ms(tl.P95)} (p95) after the listen");
            string cmp = fr.EventToModel?.P50 is { } a && fr.EventToList?.P50 is { } b
                ? b < a ? " Lists follow listens faster than the model does: the Scorer re-ranks a member from its own consumer with the model it has, without waiting for training." : " Lists lag the model: a list is re-scored after the listen has already been trained on."
                : "";
            string backlog = fr.EventToModel?.P50 is > 5_000 && on?.Last.EventsPerSecond is { } eps
                ? $" Event-to-model time counts from when Ingest produced the listen, so it includes the backlog waiting in Kafka: the Trainer ran at {eps:N0} listens/s at the end, and a replay faster than that queues listens (bounded by Ingest's --max-lag); it measures the queue more than the training step."
                : "";
            r.Add("Freshness: " + string.Join("; ", parts) + "." + cmp + backlog);
        }

        foreach (var (section, why) in d.Missing) r.Add($"Not in this report ({section.Replace('_', ' ')}): {why}");
        if (d.Sources.MetricsLinesSkipped > 0)
            r.Add($"{d.Sources.MetricsLinesSkipped:N0} metrics line(s) could not be read and were left out (first: {d.Sources.FirstSkippedLine}).");
        if (on is { EarlierRunsIgnored: > 0 }) r.Add($"{on.File} also holds {on.EarlierRunsIgnored} earlier run(s) that started again from the beginning; only the newest is reported.");
        if (on is { Resumes: > 0 }) r.Add($"The Trainer resumed from a checkpoint {on.Resumes} time(s); the repeated stretch is reported from the resumed run.");
        if (offline?.Data is { } od && d.Sources.Data is { } dd && Path.GetFullPath(od) != Path.GetFullPath(dd))
            r.Add(SameTrainFile(od, dd) switch
            {
                true => $"The offline results were computed on {od}, whose train.csv is byte for byte the one in {dd}.",
                false => $"Caution: the offline results were computed on {od}, whose train.csv differs from the one in {dd}: offline and online do not compare like with like.",
                null => $"Caution: the offline results were computed on {od}, not on the --data folder {dd}, and the two train.csv files cannot be compared (one is missing); offline and online may not compare like with like.",
            });
        return r;
    }

    /// <summary>Whether two folders hold the same train.csv (size, then SHA-256); null when either is missing.</summary>
    static bool? SameTrainFile(string a, string b)
    {
        var fa = new FileInfo(Path.Combine(a, "train.csv"));
        var fb = new FileInfo(Path.Combine(b, "train.csv"));
        if (!fa.Exists || !fb.Exists) return null;
        if (fa.Length != fb.Length) return false;
        using var sa = fa.OpenRead();
        using var sb = fb.OpenRead();
        return System.Security.Cryptography.SHA256.HashData(sa).AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(sb));
    }
}
