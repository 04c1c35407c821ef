using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.LocalBroker;

/// <summary>The local broker's host, as Program runs it and as the configuration tests build it.</summary>
public static class LocalBrokerHost
{
    /// <summary>KkboxNcf.LocalBroker [--listen HOST:PORT] [--ready-file PATH] [--brokers N] [--advertised-host HOST] (and LocalBroker__* in the environment)</summary>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddCommandLine(args, LocalBrokerServiceCollectionExtensions.Switches.ToDictionary());
        // One line per event, so launchers and tests can grep "ready on HOST:PORT".
        builder.Logging.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
        // Start-up failures are reported by Program as one clear line with an exit code, not as the host's stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.Services.AddLocalBroker(builder.Configuration);
        return builder.Build();
    }
}
