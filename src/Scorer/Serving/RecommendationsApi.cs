using System.Globalization;
using System.Threading.RateLimiting;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace KkboxNcf.Scorer.Serving;

/// <summary>
/// GET /members/{msno}/recommendations?k=10&amp;context=usual: the member's list from Redis with its
/// source ("model" or "popular"), model version and age (200); an unknown member gets 404 with the popular fallback list when
/// configured; Redis down gives 503; a bad member id, k or context gives 400 saying what is wrong;
/// any other path 404. Bounded under a flood: at most Scorer:HttpMaxConcurrentRequests requests are
/// worked on at once, Scorer:HttpQueueLimit more wait, the rest get 503 with Retry-After at once;
/// Kestrel takes at most Scorer:HttpMaxConnections connections and small requests only.
/// </summary>
public static class RecommendationsApi
{
    public const int MaxK = 1000;
    /// <summary>Longest member id the API looks up (KKBOX ids are 44 characters).</summary>
    public const int MaxMsnoLength = 256;
    const int EchoLength = 64;

    /// <summary>
    /// Kestrel limits and the concurrency limiter, from the HTTP settings. They are read while the host
    /// is built, before settings are validated: out-of-range values are clamped here so the host builds,
    /// and validation then stops the service with a message naming them.
    /// </summary>
    public static IServiceCollection AddRecommendationsApi(this IServiceCollection services, ScorerSettings settings)
    {
        int permits = Math.Max(1, settings.HttpMaxConcurrentRequests), queue = Math.Max(0, settings.HttpQueueLimit);
        services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = Math.Max(1, settings.HttpMaxConnections);
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
            kestrel.Limits.MaxRequestBodySize = 4096; // GET only: nothing to upload
            kestrel.Limits.MaxRequestLineSize = 8192;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter("api",
                _ => new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = queue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst }));
            limiter.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            limiter.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await context.HttpContext.Response.WriteAsJsonAsync(new { error = "too many requests at once: retry in a second" }, ct);
            };
        });
        return services;
    }

    public static WebApplication MapRecommendations(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGet("/members/{msno}/recommendations", async (string msno, string? k, string? context, RecommendationReader reader) =>
        {
            if (MsnoProblem(msno) is { } bad) return Results.BadRequest(new { error = bad });
            int take = 10;
            if (k is not null && !(int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out take) && take is >= 1 and <= MaxK))
                return Results.BadRequest(new { error = $"k must be a whole number 1..{MaxK}, got '{Echo(k)}'" });
            string ctx = context ?? ServingContexts.Usual;
            if (ctx is not (ServingContexts.Usual or ServingContexts.Discover))
                return Results.BadRequest(new { error = $"context must be {ServingContexts.Usual} or {ServingContexts.Discover}, got '{Echo(ctx)}'" });
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
        // an empty id (/members//recommendations), a wrong path or a typo: say what the API is
        app.MapFallback(() => Results.NotFound(new { error = "no such resource; the API is GET /members/{msno}/recommendations?k=1..1000&context=usual|discover" }));
        return app;
    }

    /// <summary>Why an id cannot be a member id (too long, control characters), or null.</summary>
    public static string? MsnoProblem(string msno)
    {
        if (string.IsNullOrWhiteSpace(msno)) return "the member id is empty";
        if (msno.Length > MaxMsnoLength) return $"a member id has at most {MaxMsnoLength} characters, got {msno.Length}";
        if (msno.Any(char.IsControl)) return "a member id has no control characters";
        return null;
    }

    /// <summary>Bad input is quoted back cut short and without control characters, so an answer stays small and printable.</summary>
    static string Echo(string value)
    {
        var clean = new string(value.Take(EchoLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length > EchoLength ? clean + "..." : clean;
    }

    static object Body(RecommendationList list, long? currentModel, long nowMs) => new
    {
        msno = list.Msno,
        context = list.Context,
        source = list.Source,
        listening_context = new { tab = list.Tab, screen = list.Screen, type = list.Type },
        model_version = list.ModelVersion,
        current_model_version = currentModel,
        computed_at = DateTimeOffset.FromUnixTimeMilliseconds(list.ComputedAtMs),
        age_seconds = Math.Max(0, nowMs - list.ComputedAtMs) / 1000.0,
        items = list.Items,
    };
}
