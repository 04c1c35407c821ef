using Confluent.Kafka;
using KkboxNcf.Contracts;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer.Streaming;

/// <summary>Sends messages the Trainer cannot decode to the dead-letter topic with the reason, and counts them. Thread-safe.</summary>
public sealed class DeadLetterSink(IProducer<byte[]?, byte[]?> producer, string topic, ILogger log)
{
    long _count, _failed;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Dead letters the broker did not accept (each also logged).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public void Send(ConsumeResult<byte[]?, byte[]?> source, string reason)
    {
        Interlocked.Increment(ref _count);
        log.LogWarning("Dead letter: {Topic}[{Partition}]@{Offset}: {Reason}", source.Topic, source.Partition.Value, source.Offset.Value, reason);
        producer.Produce(topic, DeadLetter.From(source, reason, "trainer"), r =>
        {
            if (!r.Error.IsError) return;
            Interlocked.Increment(ref _failed);
            log.LogError("Dead letter for {Topic}[{Partition}]@{Offset} not delivered: {Error}", source.Topic, source.Partition.Value, source.Offset.Value, r.Error.Reason);
        });
    }
}
