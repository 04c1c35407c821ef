using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KkboxNcf.KafkaProbe;
using KkboxNcf.LocalBroker;

namespace KkboxNcf.Tests.Kafka;

/// <summary>
/// The LocalBroker program as a launcher sees it: a second instance on a free port (so the running
/// one is untouched) with its ready file, serving clients, stopping on SIGTERM; and a taken port.
/// </summary>
public class LocalBrokerProcessTests
{
    static string BrokerDll => KafkaTestEnvironment.BuiltDll("KkboxNcf.LocalBroker");

    [Fact]
    public async Task StartsOnAFreePortServesClientsAndStopsCleanlyOnSigterm()
    {
        var readyFile = Path.Combine(Path.GetTempPath(), $"kkbox-broker-{Guid.NewGuid():N}.ready");
        using var broker = ChildProcess.StartDll(BrokerDll, "--listen", "127.0.0.1:0", "--ready-file", readyFile);

        await broker.WaitUntilAsync(() => File.Exists(readyFile), TimeSpan.FromSeconds(30), "the ready file");
        string bootstrap = File.ReadAllText(readyFile).Trim();
        Assert.Matches(new Regex(@"^127\.0\.0\.1:\d+$"), bootstrap);
        await broker.WaitUntilAsync(() => broker.Stdout.Any(l => l.Contains($"ready on {bootstrap}")), TimeSpan.FromSeconds(5), "the ready log line");

        string topic = KafkaTestEnvironment.Unique("lifecycle");
        var produced = await KeyedBatch.ProduceAsync(bootstrap, topic, keys: 5, perKey: 10);
        using (var admin = new Confluent.Kafka.AdminClientBuilder(new Confluent.Kafka.AdminClientConfig { BootstrapServers = bootstrap }).Build())
            Assert.Equal(4, admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count); // auto-created
        var lines = new List<string>();
        int consumed = GroupMember.Consume(bootstrap, topic, KafkaTestEnvironment.Unique("lifecycle-group"), produced.Count, TimeSpan.FromSeconds(5), lines.Add);
        Assert.Equal(produced.Count, consumed);
        Assert.Equal(produced.Select(r => r.Message.Value).Order(), ConsumedMessage.Parse(lines).Select(m => m.Value).Order());

        broker.Terminate();
        int exitCode = await broker.WaitForExitAsync(TimeSpan.FromSeconds(20));
        Assert.True(exitCode == ExitCodes.Ok, $"exit code {exitCode}:\n{broker.AllOutput}");
        Assert.False(File.Exists(readyFile), "the ready file must be removed on stop");
        Assert.Contains(broker.Stdout, l => l.Contains("stopped"));
    }

    [Fact]
    public async Task MessagesDroppedByTheMocksRetentionAreReported()
    {
        var readyFile = Path.Combine(Path.GetTempPath(), $"kkbox-broker-{Guid.NewGuid():N}.ready");
        using var broker = ChildProcess.StartDll(BrokerDll, "--listen", "127.0.0.1:0", "--ready-file", readyFile,
            "--LocalBroker:RetentionCheckIntervalMs=200");
        await broker.WaitUntilAsync(() => File.Exists(readyFile), TimeSpan.FromSeconds(30), "the ready file");
        string bootstrap = File.ReadAllText(readyFile).Trim();

        // 7 MiB of incompressible values under one key: one partition, over its ~5 MiB limit.
        string topic = KafkaTestEnvironment.Unique("retention");
        var config = KkboxNcf.Contracts.KafkaClientConfigs.Producer(new KkboxNcf.Contracts.KafkaSettings { BootstrapServers = bootstrap }, "kafka-tests");
        using (var producer = new Confluent.Kafka.ProducerBuilder<string, byte[]>(config).Build())
        {
            var random = new Random(7);
            for (int i = 0; i < 70; i++)
            {
                var value = new byte[100 * 1024];
                random.NextBytes(value);
                producer.Produce(topic, new Confluent.Kafka.Message<string, byte[]> { Key = "one-member", Value = value });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        await broker.WaitUntilAsync(() => broker.Stdout.Any(l => l.Contains("retention dropped") && l.Contains(topic)),
            TimeSpan.FromSeconds(15), $"a warning that messages of {topic} were dropped");
        broker.Terminate();
        Assert.Equal(ExitCodes.Ok, await broker.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task ATakenPortFailsWithAnErrorNamingIt()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var readyFile = Path.Combine(Path.GetTempPath(), $"kkbox-broker-{Guid.NewGuid():N}.ready");

        using var broker = ChildProcess.StartDll(BrokerDll, "--listen", $"127.0.0.1:{port}", "--ready-file", readyFile);
        int exitCode = await broker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == ExitCodes.ListenFailed, $"exit code {exitCode}:\n{broker.AllOutput}");
        Assert.Contains($"127.0.0.1:{port}", broker.AllOutput);
        Assert.False(File.Exists(readyFile));
    }

    [Fact]
    public async Task AnInvalidListenAddressIsRejectedBeforeStarting()
    {
        using var broker = ChildProcess.StartDll(BrokerDll, "--listen", "nowhere:99999");
        int exitCode = await broker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == ExitCodes.InvalidOptions, $"exit code {exitCode}:\n{broker.AllOutput}");
        Assert.Contains("nowhere:99999", broker.AllOutput);
    }
}
