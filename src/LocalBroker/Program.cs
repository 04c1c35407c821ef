using KkboxNcf.LocalBroker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// A local Kafka for development and tests: librdkafka's mock cluster behind a fixed address.
// Usage: KkboxNcf.LocalBroker [--listen HOST:PORT] [--ready-file PATH] [--brokers N] [--advertised-host HOST]
var builder = Host.CreateApplicationBuilder();
builder.Configuration.AddCommandLine(args, LocalBrokerServiceCollectionExtensions.Switches.ToDictionary());
// One line per event, so launchers and tests can grep "ready on HOST:PORT".
builder.Logging.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
// Start-up failures are reported below as one clear line with an exit code, not as the host's stack trace.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
builder.Services.AddLocalBroker(builder.Configuration);
using var host = builder.Build();
try
{
    await host.RunAsync();
    return ExitCodes.Ok;
}
catch (OperationCanceledException)
{
    // SIGTERM or Ctrl-C arrived while starting: the service released what it had created.
    await Console.Error.WriteLineAsync("LocalBroker: stopped while starting");
    return ExitCodes.Ok;
}
catch (BrokerStartupException e)
{
    await Console.Error.WriteLineAsync($"LocalBroker: {e.Message}");
    return e.ExitCode;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"LocalBroker: invalid options: {string.Join("; ", e.Failures)}");
    return ExitCodes.InvalidOptions;
}
