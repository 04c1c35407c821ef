using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KkboxNcf.Hosting;

public static class SettingsRegistration
{
    /// <summary>
    /// Binds T from its section and validates it when the host starts: a bad value stops the service
    /// before it does any work, with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, ISettings =>
        services.AddSettings<T>(configuration, T.Section, settings => settings.Validate());

    /// <summary>The same for a settings class that cannot implement ISettings (the shared Kafka and Redis settings live in libraries without Hosting).</summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, IConfiguration configuration,
        string section, Func<T, IEnumerable<string>> validate)
        where T : class
    {
        services.AddOptions<T>()
            .Bind(configuration.GetSection(section), o => o.ErrorOnUnknownConfiguration = true)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(validate));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services;
    }

    sealed class SettingsValidator<T>(Func<T, IEnumerable<string>> validate) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var errors = validate(options).ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
