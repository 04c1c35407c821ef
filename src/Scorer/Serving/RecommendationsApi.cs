using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// GET /members/{msno}/recommendations?k=10&amp;context=usual: the member's list from Redis with its
/// model version and age (200); an unknown member gets 404 with the popular fallback list when
/// configured; Redis down gives 503; a bad k or context gives 400.
/// </summary>
public static class RecommendationsApi
{
    public const int MaxK = 1000;

    public static IEndpointRouteBuilder MapRecommendations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/members/{msno}/recommendations", async (string msno, int? k, string? context, RecommendationReader reader) =>
        {
            int take = k ?? 10;
            string ctx = context ?? ServingContexts.Usual;
            if (take is < 1 or > MaxK) return Results.BadRequest(new { error = $"k must be 1..{MaxK}, got {take}" });
            if (ctx is not (ServingContexts.Usual or ServingContexts.Discover))
                return Results.BadRequest(new { error = $"context must be {ServingContexts.Usual} or {ServingContexts.Discover}, got '{ctx}'" });
            var outcome = await reader.ReadAsync(msno, ctx, take);
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            return outcome.Status switch
            {
                ReadStatus.Found => Results.Ok(Body(outcome.List!, outcome.CurrentModel, now)),
                ReadStatus.UnknownMember => Results.NotFound(new
                {
                    error = outcome.Problem,
                    msno,
                    fallback = outcome.Fallback is { } f ? Body(f, outcome.CurrentModel, now) : null,
                }),
                _ => Results.Json(new { error = outcome.Problem }, statusCode: StatusCodes.Status503ServiceUnavailable),
            };
        });
        return app;
    }

    static object Body(RecommendationList list, long? currentModel, long nowMs) => new
    {
        msno = list.Msno,
        context = list.Context,
        listening_context = new { tab = list.Tab, screen = list.Screen, type = list.Type },
        model_version = list.ModelVersion,
        current_model_version = currentModel,
        computed_at = DateTimeOffset.FromUnixTimeMilliseconds(list.ComputedAtMs),
        age_seconds = Math.Max(0, nowMs - list.ComputedAtMs) / 1000.0,
        items = list.Items,
    };
}
