using KkboxNcf.Contracts;
using KkboxNcf.Hosting;
using KkboxNcf.Scorer;
using KkboxNcf.Tests.Data;
using KkboxNcf.Tests.Kafka;
using KkboxNcf.Tests.Trainer;

namespace KkboxNcf.Tests.Security;

/// <summary>
/// Passwords given in configuration never appear in what the services write: their logs (also when
/// the password is wrong and the connection fails), health files, checkpoints, or the messages of
/// invalid settings.
/// </summary>
public sealed class SecretsNotLoggedTests : IAsyncLifetime
{
    const string RedisSecret = "redis-Secret-6610";
    const string KafkaSecret = "kafka-Secret-2209";
    const string KeySecret = "key-Secret-3318";
    readonly PrivateBroker _broker = new();
    readonly TempDir _dir = new();

    public Task InitializeAsync() => _broker.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _broker.DisposeAsync();
        _dir.Dispose();
    }

    static void AssertNoSecret(string what, string text)
    {
        foreach (var secret in new[] { RedisSecret, KafkaSecret, KeySecret })
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what} holds a secret:\n{text}");
    }

    // librdkafka ignores the SASL password while security.protocol is PLAINTEXT (the local broker speaks
    // nothing else), so the services run normally with it set.
    string[] KafkaWithSecret => ["--Kafka:BootstrapServers", _broker.Bootstrap, "--Kafka:SaslUsername", "kkbox",
        "--Kafka:SaslPassword", KafkaSecret, "--Kafka:Properties:ssl.key.password", KeySecret];

    [Fact]
    public async Task TheScorerLogsNeitherTheRedisNorTheKafkaPassword()
    {
        using var redis = new PrivateRedis(tls: false, "--requirepass", RedisSecret);
        string health = _dir.File("scorer.health");
        foreach (var password in new[] { RedisSecret, RedisSecret + "-wrong" })
        {
            // the right password, then a wrong one: the failing connection's messages must not quote it either
            using var scorer = ChildProcess.StartDll(TestInfra.Dll("Scorer"), [.. KafkaWithSecret,
                "--Redis:Configuration", $"127.0.0.1:{redis.Port},password={password},connectTimeout=1000",
                "--http", $"http://127.0.0.1:{TestInfra.FreeTcpPort()}", "--key-prefix", $"secrets-{Guid.NewGuid():N}",
                "--group", $"secrets-{Guid.NewGuid():N}", "--health-file", health, "--Health:IntervalSeconds", "1"]);
            await scorer.WaitUntilAsync(() => scorer.AllOutput.Contains("Now listening") || scorer.HasExited, TimeSpan.FromSeconds(60), "the Scorer's API up");
            await Task.Delay(3_000); // let it try Redis and write its health file
            if (File.Exists(health)) AssertNoSecret("the health file", File.ReadAllText(health));
            scorer.Terminate();
            await scorer.WaitForExitAsync(TimeSpan.FromSeconds(30));
            AssertNoSecret("the Scorer's log", scorer.AllOutput);
        }
    }

    [Fact]
    public async Task TheTrainerLogsNoKafkaPasswordAndItsCheckpointsHoldNone()
    {
        string checkpoints = _dir.File("checkpoints");
        // a few listens, so the Trainer trains and writes a checkpoint when it stops
        TrainerProcess.Produce(_broker.Bootstrap, Topics.Listens, Enumerable.Range(1, 50).Select(i =>
            ($"u{i % 7}", Messages.Encode(new ListenRecorded(i, $"u{i % 7}", $"s{i % 11}", "tab", "screen", "type", i % 2, 0)))));
        using var trainer = TrainerProcess.Start([.. KafkaWithSecret, "--checkpoints", checkpoints, "--Trainer:MetadataCatchUpSeconds", "1",
            "--group", $"secrets-{Guid.NewGuid():N}"]);
        await trainer.WaitUntilAsync(() => trainer.AllOutput.Contains("Training from") || trainer.HasExited,
            TimeSpan.FromSeconds(60), "the Trainer consuming");
        trainer.Terminate();
        await trainer.WaitForExitAsync(TimeSpan.FromSeconds(60));

        AssertNoSecret("the Trainer's log", trainer.AllOutput);
        Assert.True(Directory.Exists(checkpoints), "the Trainer wrote no checkpoint folder:\n" + trainer.AllOutput);
        foreach (var file in Directory.EnumerateFiles(checkpoints, "*", SearchOption.AllDirectories))
            AssertNoSecret(file, System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(file)));
    }

    [Fact]
    public void InvalidSettingsMessagesQuoteNoPassword()
    {
        using var host = ScorerHost.Build(["--Redis:Configuration", $"127.0.0.1:1,password={RedisSecret},ssl=maybe",
            "--Kafka:SaslPassword", KafkaSecret, "--Kafka:Properties:no.such.property", KafkaSecret]);
        var problems = ServiceRunner.StartupProblems(host.Services);
        Assert.Contains(problems, p => p.Contains("Redis:Configuration"));
        Assert.Contains(problems, p => p.Contains("no.such.property"));
        AssertNoSecret("the invalid-settings messages", string.Join('\n', problems));
    }
}
