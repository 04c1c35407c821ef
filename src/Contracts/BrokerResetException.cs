namespace KkboxNcf.Contracts;

/// <summary>
/// The broker no longer holds what this service already wrote or read: a topic's offsets went
/// backwards, or the message a checkpoint last read is not there any more. A local broker restarts
/// empty; a real cluster gets here when a topic is deleted and re-created. Resuming silently would
/// skip or re-read listens, so the service stops with this (exit code <see cref="ExitCode"/>) and the
/// message says what was seen and how to recover (README, "Failure modes").
/// </summary>
public sealed class BrokerResetException(string message) : Exception(message)
{
    public const int ExitCode = 4;
}
