using KkboxNcf.LocalBroker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

// A local Kafka for development and tests: librdkafka's mock cluster behind a fixed address.
// Usage: KkboxNcf.LocalBroker [--listen HOST:PORT] [--ready-file PATH] [--brokers N] [--advertised-host HOST]
using var host = LocalBrokerHost.Build(args);
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
catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
                                          || e.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
{
    // a value that does not parse ("abc" for --brokers) or an unknown LocalBroker:* key: the binder names it
    // inside a dictionary (LocalBroker:ExtraTopics) the binder's outer message is generic and its inner one names the key
    string message = e.Message.Contains("binding has failed", StringComparison.Ordinal) && e.InnerException is { } inner ? inner.Message : e.Message;
    await Console.Error.WriteLineAsync($"LocalBroker: invalid options: {message}");
    return ExitCodes.InvalidOptions;
}
