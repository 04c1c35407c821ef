using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using KkboxNcf.Contracts;

namespace KkboxNcf.Hosting;

public static class ServiceHostExtensions
{
    /// <summary>
    /// What every KkboxNcf service shares: validated Kafka settings, the health file, and single-line
    /// console logs with timestamps (structured fields stay in the message template).
    /// </summary>
    public static TBuilder AddKkboxDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
            o.UseUtcTimestamp = true;
        });
        // The host logs a start-up failure with its whole stack and then throws it; RunServiceAsync
        // reports it in one line instead (and every worker logs its own failures).
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        // Redis settings are the Scorer's: it binds and validates them (AddScorer)
        builder.Services.AddSettings<KafkaSettings>(builder.Configuration, KafkaSettings.Section, kafka => kafka.Validate());
        builder.Services.AddSettings<HealthSettings>(builder.Configuration);
        builder.Services.AddSingleton<ServiceHealth>();
        builder.Services.AddHostedService<HealthFileWriter>();
        return builder;
    }
}
