using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KkboxNcf.Hosting;

public static class ServiceRunner
{
    /// <summary>
    /// A service's whole Main: builds its host from the command line (a bad option: one line, exit
    /// code 2), then runs it as RunServiceAsync does.
    /// </summary>
    public static async Task<int> BuildAndRunAsync(string name, Func<IHost> build)
    {
        IHost host;
        try
        {
            host = build();
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"{name}: {e.Message}");
            return 2;
        }
        return await host.RunServiceAsync(name);
    }

    /// <summary>
    /// Runs the host; invalid settings stop it before any work with one line per bad value and exit
    /// code 2; otherwise the exit code is what the service set (Environment.ExitCode).
    /// </summary>
    public static async Task<int> RunServiceAsync(this IHost host, string name)
    {
        var problems = StartupProblems(host.Services);
        if (problems.Count > 0)
        {
            foreach (var problem in problems) Console.Error.WriteLine($"{name}: invalid setting: {problem}");
            return 2;
        }
        await host.RunAsync();
        return Environment.ExitCode;
    }

    /// <summary>
    /// What is wrong with the settings, one message per bad value, each naming the setting: the
    /// validation the host runs at start (ValidateOnStart), with the binder's errors for values that
    /// do not parse ("abc" for a number) and for unknown keys. Empty when the service can start.
    /// </summary>
    public static IReadOnlyList<string> StartupProblems(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // several settings sections are wrong at once
            return e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures).ToList();
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
                                                  || e.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
        {
            return [BinderMessage(e)];
        }
    }

    /// <summary>
    /// The binder's own words, less its mention of a BinderOptions flag a user never set; a value that
    /// does not convert inside a dictionary comes wrapped, and its inner message names the key.
    /// </summary>
    public static string BinderMessage(Exception e)
    {
        const string unknown = "'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of ";
        const string failed = "'ErrorOnUnknownConfiguration' was set and binding has failed. The likely cause is an invalid configuration value.";
        string message = e.Message;
        if (message.StartsWith(unknown, StringComparison.Ordinal)) return "unknown setting(s), not properties of " + message[unknown.Length..];
        if (message.StartsWith(failed, StringComparison.Ordinal) && e.InnerException is { } inner) return inner.Message;
        return message;
    }
}
