using Confluent.Kafka;
using KkboxNcf.Contracts;

namespace KkboxNcf.Tests.Kafka;

/// <summary>Produces keyed messages "KEY:SEQ" (SEQ per key, from 0) with the project's producer settings.</summary>
public static class KeyedBatch
{
    /// <summary>Returns where each message landed; fails unless every one was persisted.</summary>
    public static async Task<IReadOnlyList<DeliveryResult<string, string>>> ProduceAsync(string bootstrap, string topic, int keys, int perKey, string keyPrefix = "member-")
    {
        var config = KafkaClientConfigs.Producer(new KafkaSettings { BootstrapServers = bootstrap }, "kafka-tests");
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var sends = new List<Task<DeliveryResult<string, string>>>();
        // Interleave keys, as listens from many members would arrive.
        for (int seq = 0; seq < perKey; seq++)
            for (int k = 0; k < keys; k++)
                sends.Add(producer.ProduceAsync(topic, new Message<string, string> { Key = $"{keyPrefix}{k}", Value = $"{keyPrefix}{k}:{seq}" }));
        var results = await Task.WhenAll(sends);
        Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
        return results;
    }
}
