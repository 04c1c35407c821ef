using System.Diagnostics;
using System.Net;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.LocalBroker;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// What the local broker's fixed-address TCP forwarder costs: keyed 100-byte messages produced (project
/// producer settings) then consumed, through the forwarder vs straight to the mock broker's own port,
/// alternating rounds in one process on fresh clusters (--value-bytes for larger messages). Value and reference are round-trip msg/s
/// (N / (produce time + consume time)), best round of each; target: at least 80% of direct.
/// </summary>
public sealed class BrokerForwarderBenchmark : IBenchmark
{
    const int Partitions = 8;

    public string Name => "broker-forwarder";
    public string Description => "produce+consume msg/s through the LocalBroker forwarder vs direct to the mock broker";

    public async Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        int valueBytes = (int)args.Long("value-bytes", 100);
        // Stay well under the mock's ~5 MiB per-partition retention (8 x 5 MiB): 200k x ~110 B by default.
        int messages = (int)args.Long("messages", Math.Min(200_000, 24 * 1024 * 1024 / (valueBytes + 20)));
        int rounds = (int)args.Long("rounds", 3);
        args.RejectUnknown();

        Run? bestDirect = null, bestForwarded = null;
        for (int r = 0; r < rounds; r++)
        {
            var direct = await RunOnceAsync(forwarded: false, messages, valueBytes, ct);
            var forwarded = await RunOnceAsync(forwarded: true, messages, valueBytes, ct);
            Console.WriteLine($"round {r + 1}: direct {direct}; forwarded {forwarded}");
            if (bestDirect is null || direct.RoundTripPerSecond > bestDirect.RoundTripPerSecond) bestDirect = direct;
            if (bestForwarded is null || forwarded.RoundTripPerSecond > bestForwarded.RoundTripPerSecond) bestForwarded = forwarded;
        }

        return new BenchResult(Name, bestForwarded!.RoundTripPerSecond, "msg/s",
            "direct to the mock broker's port, same run", bestDirect!.RoundTripPerSecond,
            Target: 0.8 * bestDirect.RoundTripPerSecond,
            Details: new()
            {
                ["messages"] = messages,
                ["value_bytes"] = valueBytes,
                ["partitions"] = Partitions,
                ["rounds"] = rounds, // best of each; the first round also pays JIT warm-up
                ["forwarded_produce_msg_per_s"] = bestForwarded.ProducePerSecond,
                ["forwarded_consume_msg_per_s"] = bestForwarded.ConsumePerSecond,
                ["forwarded_bytes"] = bestForwarded.ForwardedBytes,
                ["forwarded_mib_per_s"] = bestForwarded.ForwardedBytes / 1048576.0 / bestForwarded.Seconds,
                ["direct_produce_msg_per_s"] = bestDirect.ProducePerSecond,
                ["direct_consume_msg_per_s"] = bestDirect.ConsumePerSecond,
                ["target_rule"] = "forwarded >= 0.8 x direct",
            });
    }

    sealed record Run(double ProducePerSecond, double ConsumePerSecond, double RoundTripPerSecond, long ForwardedBytes, double Seconds)
    {
        public override string ToString() =>
            $"produce {ProducePerSecond:N0}/s, consume {ConsumePerSecond:N0}/s, round trip {RoundTripPerSecond:N0}/s";
    }

    static async Task<Run> RunOnceAsync(bool forwarded, int messages, int valueBytes, CancellationToken ct)
    {
        using var cluster = MockCluster.Create(1, null, null, NullLogger.Instance);
        await using var forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Loopback, 0), NullLogger.Instance);
        string bootstrap = cluster.NativeBootstraps;
        if (forwarded)
        {
            forwarder.Start(new IPEndPoint(IPAddress.Loopback, cluster.NativePort(1)));
            cluster.AdvertiseBroker(1, "127.0.0.1", forwarder.LocalEndPoint.Port);
            bootstrap = $"127.0.0.1:{forwarder.LocalEndPoint.Port}";
        }
        const string topic = "bench.forwarder";
        cluster.CreateTopic(topic, Partitions);
        var settings = new KafkaSettings { BootstrapServers = bootstrap };

        var produce = Stopwatch.StartNew();
        Produce(settings, topic, messages, valueBytes, ct);
        produce.Stop();

        var consume = Stopwatch.StartNew();
        Consume(settings, topic, messages, ct);
        consume.Stop();

        return new Run(messages / produce.Elapsed.TotalSeconds, messages / consume.Elapsed.TotalSeconds,
            messages / (produce.Elapsed + consume.Elapsed).TotalSeconds, forwarder.BytesToBroker + forwarder.BytesFromBroker,
            (produce.Elapsed + consume.Elapsed).TotalSeconds);
    }

    static void Produce(KafkaSettings settings, string topic, int messages, int valueBytes, CancellationToken ct)
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 1024).Select(_ => Convert.ToHexString(RandomBytes(random, Math.Max(1, valueBytes / 2)))).ToArray();
        long failed = 0;
        Error? firstError = null;
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(settings, "bench-producer")).Build();
        void OnDelivery(DeliveryReport<string, string> report)
        {
            if (report.Error.IsError && Interlocked.Increment(ref failed) == 1) firstError = report.Error;
        }
        for (int i = 0; i < messages; i++)
        {
            var message = new Message<string, string> { Key = $"member-{i % 30_000}", Value = values[i % values.Length] };
            while (true)
            {
                try { producer.Produce(topic, message, OnDelivery); break; }
                catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(5)); }
            }
            ct.ThrowIfCancellationRequested();
        }
        producer.Flush(ct);
        if (failed > 0) throw new InvalidOperationException($"{failed} of {messages} messages were not delivered; first error: {firstError}");
    }

    static void Consume(KafkaSettings settings, string topic, int messages, CancellationToken ct)
    {
        // Plain assignment, no group: the benchmark measures data flow, not group joins.
        using var consumer = new ConsumerBuilder<string, string>(KafkaClientConfigs.Consumer(settings, "bench", "bench-consumer")).Build();
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        int received = 0;
        var idle = Stopwatch.StartNew();
        while (received < messages)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                // The mock drops old batches silently when a partition outgrows its retention: say so instead of hanging.
                if (idle.Elapsed > TimeSpan.FromSeconds(10))
                    throw new InvalidOperationException($"only {received} of {messages} messages came back (mock retention exceeded?)");
                continue;
            }
            received++;
            idle.Restart();
            ct.ThrowIfCancellationRequested();
        }
        consumer.Close();
    }

    static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
