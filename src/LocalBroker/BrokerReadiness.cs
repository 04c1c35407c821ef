namespace KkboxNcf.LocalBroker;

/// <summary>Lets in-process watchers wait until the broker is ready, and tells them where it is.</summary>
public sealed class BrokerReadiness
{
    readonly TaskCompletionSource<string> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the bootstrap servers once the broker is ready.</summary>
    public Task<string> WhenReady => ready.Task;

    public void Ready(string bootstrap) => ready.TrySetResult(bootstrap);
}
