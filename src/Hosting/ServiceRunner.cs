using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KkboxNcf.Hosting;

public static class ServiceRunner
{
    /// <summary>
    /// Runs the host; invalid settings stop it before any work with one line per bad value and exit
    /// code 2; otherwise the exit code is what the service set (Environment.ExitCode).
    /// </summary>
    public static async Task<int> RunServiceAsync(this IHost host, string name)
    {
        try
        {
            await host.RunAsync();
            return Environment.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures) Console.Error.WriteLine($"{name}: invalid setting: {failure}");
            return 2;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine($"{name}: invalid configuration: {e.Message}");
            return 2;
        }
    }
}
