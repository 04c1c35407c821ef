namespace KkboxNcf.LocalBroker;

/// <summary>A start-up failure with a message meant for the operator and the exit code to leave with.</summary>
public sealed class BrokerStartupException(int exitCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
