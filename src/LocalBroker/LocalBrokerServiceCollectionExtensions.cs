using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KkboxNcf.LocalBroker;

public static class LocalBrokerServiceCollectionExtensions
{
    /// <summary>Command-line switches that map onto LocalBroker options.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["--listen"] = $"{LocalBrokerOptions.Section}:{nameof(LocalBrokerOptions.Listen)}",
        ["--ready-file"] = $"{LocalBrokerOptions.Section}:{nameof(LocalBrokerOptions.ReadyFile)}",
        ["--brokers"] = $"{LocalBrokerOptions.Section}:{nameof(LocalBrokerOptions.Brokers)}",
        ["--advertised-host"] = $"{LocalBrokerOptions.Section}:{nameof(LocalBrokerOptions.AdvertisedHost)}",
    };

    public static IServiceCollection AddLocalBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LocalBrokerOptions>()
            .Bind(configuration.GetSection(LocalBrokerOptions.Section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<LocalBrokerOptions>, LocalBrokerOptionsValidator>();
        services.AddSingleton<BrokerReadiness>();
        services.AddHostedService<LocalBrokerService>();
        services.AddHostedService<RetentionWatch>();
        // Stop quickly on SIGTERM: the broker holds nothing worth draining for long.
        services.Configure<Microsoft.Extensions.Hosting.HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        return services;
    }
}
