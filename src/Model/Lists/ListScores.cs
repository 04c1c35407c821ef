using System.Text.Json.Serialization;

namespace KkboxNcf.Model.Lists;

/// <summary>
/// One recommender's lists judged by ListEvaluation. HR@10, NDCG@10 and MRR are means over the
/// judged test listens; Recall@50 a mean over the lists; coverage the share of the catalogue in some
/// top 10; personalisation 1 - the mean top-10 overlap of two members' lists.
/// </summary>
public sealed record ListScores(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("hr_at_10")] double HitRate10,
    [property: JsonPropertyName("ndcg_at_10")] double Ndcg10,
    [property: JsonPropertyName("recall_at_50")] double Recall50,
    [property: JsonPropertyName("mrr")] double Mrr,
    [property: JsonPropertyName("coverage")] double Coverage,
    [property: JsonPropertyName("personalisation")] double Personalisation,
    [property: JsonPropertyName("lists")] int Lists,
    [property: JsonPropertyName("listens")] int Listens,
    [property: JsonPropertyName("fit_seconds")] double FitSeconds,
    [property: JsonPropertyName("recommend_seconds")] double RecommendSeconds);
