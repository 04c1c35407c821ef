using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Hosting;
using KkboxNcf.Scorer.Redis;
using KkboxNcf.Scorer.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace KkboxNcf.Scorer;

public static class ScorerServices
{
    /// <summary>Settings, the one Redis connection, the reader behind the API, and the scoring loop.</summary>
    public static IServiceCollection AddScorer(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<ScorerSettings>(configuration);
        services.AddSettings<RedisSettings>(configuration, RedisSettings.Section, RedisConnection.Validate);
        services.AddSingleton<IConnectionMultiplexer>(sp => RedisConnection.Connect(sp.GetRequiredService<RedisSettings>()));
        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<ScorerSettings>().KeyPrefix));
        services.AddSingleton(sp => new RecommendationReader(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>(),
            sp.GetRequiredService<ScorerSettings>().FallbackToPopular));
        services.AddSingleton<ScoringLoop>();
        services.AddHostedService<ScorerWorker>();
        return services;
    }
}
