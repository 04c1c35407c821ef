using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Trainer;
using Microsoft.Extensions.DependencyInjection;

namespace KkboxNcf.Tests.Security;

/// <summary>
/// Kafka SASL and TLS, set through configuration only. The local broker (librdkafka's mock) speaks
/// neither, so these check that the settings reach librdkafka's configuration of every client and
/// that librdkafka accepts them (it loads the CA file when the client is created), and that no
/// message about them carries a secret.
/// </summary>
public sealed class KafkaSecuritySettingsTests : IClassFixture<TestCertificatesFixture>
{
    const string Secret = "sasl-Pw-4471";
    readonly TestCertificates _certs;

    public KafkaSecuritySettingsTests(TestCertificatesFixture fixture) => _certs = fixture.Certificates;

    KafkaSettings SaslSsl() => new()
    {
        BootstrapServers = "kafka-1:9093,kafka-2:9093",
        SecurityProtocol = "SASL_SSL",
        SaslMechanism = "SCRAM-SHA-512",
        SaslUsername = "kkbox",
        SaslPassword = Secret,
        SslCaLocation = _certs.CaCert,
    };

    [Fact]
    public void SecuritySettingsReachEveryClientConfiguration()
    {
        var settings = SaslSsl();
        ClientConfig[] configs =
        [
            KafkaClientConfigs.Producer(settings, "ingest"),
            KafkaClientConfigs.Consumer(settings, "kkbox-trainer", "trainer"),
            KafkaClientConfigs.Admin(settings, "cli"),
        ];
        foreach (var config in configs)
        {
            Assert.Equal("SASL_SSL", config.Get("security.protocol"));
            Assert.Equal("SCRAM-SHA-512", config.Get("sasl.mechanism"));
            Assert.Equal("kkbox", config.Get("sasl.username"));
            Assert.Equal(Secret, config.Get("sasl.password"));
            Assert.Equal(_certs.CaCert, config.Get("ssl.ca.location"));
        }
    }

    [Fact]
    public void RawPropertiesComeLastAndOverrideTheTypedSettings()
    {
        var settings = SaslSsl();
        settings.Properties["sasl.mechanism"] = "PLAIN";
        settings.Properties["ssl.endpoint.identification.algorithm"] = "none";
        var config = KafkaClientConfigs.Consumer(settings, "g", "c");
        Assert.Equal("PLAIN", config.Get("sasl.mechanism"));
        Assert.Equal("none", config.Get("ssl.endpoint.identification.algorithm"));
    }

    [Fact]
    public void LibrdkafkaAcceptsSaslSslWithTheCaAndBuildsEveryClient()
    {
        var settings = SaslSsl();
        Assert.Empty(settings.Validate());
        using var producer = new ProducerBuilder<byte[], byte[]>(KafkaClientConfigs.Producer(settings, "p")).SetLogHandler((_, _) => { }).Build();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(settings, "g", "c")).SetLogHandler((_, _) => { }).Build();
        Assert.Contains("p", producer.Name);
    }

    [Fact]
    public void ACaFileLibrdkafkaCannotLoadStopsTheServiceNamingTheSettingWithoutTheSecret()
    {
        string garbage = Path.Combine(Path.GetTempPath(), $"kkbox-not-a-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(garbage, "not a certificate");
        try
        {
            var settings = SaslSsl();
            settings.SslCaLocation = garbage;
            var problem = Assert.Single(settings.Validate());
            Assert.Contains("Kafka:SslCaLocation", problem);
            Assert.DoesNotContain(Secret, problem);
        }
        finally
        {
            File.Delete(garbage);
        }
    }

    [Fact]
    public void ARejectedPropertyNamesItButNeverASecretValue()
    {
        var settings = SaslSsl();
        settings.Properties["sasl.oauthbearer.client.secret"] = "oauth-Secret-88";
        settings.Properties["no.such.property"] = Secret;
        var problem = Assert.Single(settings.Validate());
        Assert.Contains("no.such.property", problem);
        Assert.DoesNotContain(Secret, problem);
        Assert.DoesNotContain("oauth-Secret-88", settings.Redact("x oauth-Secret-88 y"));
    }

    [Fact]
    public void TheEnvironmentNamesBindThroughTheRealHost()
    {
        using var host = TrainerHost.Build(["--Kafka:SecurityProtocol", "SASL_SSL", "--Kafka:SaslMechanism", "PLAIN", "--Kafka:SaslUsername", "u",
            "--Kafka:SaslPassword", Secret, "--Kafka:SslCaLocation", _certs.CaCert, "--Kafka:Properties:client.rack", "r1"]);
        var config = KafkaClientConfigs.Producer(host.Services.GetRequiredService<KafkaSettings>(), "trainer");
        Assert.Equal(("SASL_SSL", "PLAIN", "u", Secret, "r1"),
            (config.Get("security.protocol"), config.Get("sasl.mechanism"), config.Get("sasl.username"), config.Get("sasl.password"), config.Get("client.rack")));
    }
}
