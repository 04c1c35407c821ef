using System.Globalization;
using System.Text;
using KkboxNcf.Model.Lists;

namespace KkboxNcf.Cli.Lists;

/// <summary>The list metrics of several recommenders as one Markdown table (bench lists and the offline report).</summary>
public static class ListsTable
{
    public static string Markdown(IEnumerable<ListScores> rows)
    {
        static string F(double x) => double.IsNaN(x) ? "n/a" : x.ToString("F4", CultureInfo.InvariantCulture);
        var md = new StringBuilder();
        md.AppendLine("| lists of | HR@10 | NDCG@10 | Recall@50 | MRR | coverage | personalisation | lists | seconds (fit + rank) |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var s in rows)
            md.AppendLine($"| {s.Name} | {F(s.HitRate10)} | {F(s.Ndcg10)} | {F(s.Recall50)} | {F(s.Mrr)} | {F(s.Coverage)} | {F(s.Personalisation)} | " +
                $"{s.Lists:N0} | {s.FitSeconds:F1} + {s.RecommendSeconds:F1} |");
        return md.ToString();
    }

    /// <summary>The baselines every list report shows beside its models; windowListens: the trailing window of the recent-popularity list.</summary>
    public static IListRecommender[] Baselines(int windowListens) =>
    [
        new RandomRecommender(),
        new PopularRecommender(),
        new PopularRecommender(windowListens),
        new ContextPopularRecommender(),
        new ItemItemRecommender(),
    ];

    /// <summary>Whether a baseline's lists are the same for everyone up to the heard songs (the popularity lists).</summary>
    public static bool IsPopularity(IListRecommender r) => r is PopularRecommender or ContextPopularRecommender;
}
