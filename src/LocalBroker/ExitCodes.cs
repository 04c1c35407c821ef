namespace KkboxNcf.LocalBroker;

/// <summary>Process exit codes of the local broker (the ./kkbox script and the tests rely on them).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>Unexpected failure (a bug): see the log.</summary>
    public const int Failed = 1;
    /// <summary>Options failed validation (bad --listen, negative counts, ...).</summary>
    public const int InvalidOptions = 2;
    /// <summary>The listen address could not be bound, typically because the port is taken.</summary>
    public const int ListenFailed = 3;
    /// <summary>librdkafka could not be loaded, or the mock cluster could not be created or refused a topic.</summary>
    public const int MockClusterFailed = 4;
    /// <summary>The ready file could not be written.</summary>
    public const int ReadyFileFailed = 5;
}
