using System.Text.Json;
using Confluent.Kafka;

namespace KkboxNcf.Ingest;

/// <summary>
/// Counts every produced event as delivered or failed; failures are kept with their row and reason
/// in a JSON-lines file, so nothing is lost without a word. Delivery handlers run on librdkafka's
/// poll thread, hence the interlocked counters and the lock around the file.
/// </summary>
public sealed class DeliveryTracker(string failuresPath) : IDisposable
{
    long _sent, _delivered, _failed;
    readonly object _gate = new();
    StreamWriter? _failures;

    public long Sent => Interlocked.Read(ref _sent);
    public long Delivered => Interlocked.Read(ref _delivered);
    public long Failed => Interlocked.Read(ref _failed);
    public long InFlight => Sent - Delivered - Failed;
    public string FailuresPath { get; } = failuresPath;

    public void Sending() => Interlocked.Increment(ref _sent);

    public Action<DeliveryReport<byte[], byte[]>> HandlerFor(string topic, long row) => report =>
    {
        if (report.Error.IsError) Fail(topic, row, report.Error.Reason);
        else Interlocked.Increment(ref _delivered);
    };

    /// <summary>Also for events that never reached the producer (e.g. a produce call that threw).</summary>
    public void Fail(string topic, long row, string reason)
    {
        Interlocked.Increment(ref _failed);
        lock (_gate)
        {
            _failures ??= new StreamWriter(FailuresPath, append: true);
            _failures.WriteLine(JsonSerializer.Serialize(new { topic, row, reason }));
            _failures.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate) _failures?.Dispose();
    }
}
