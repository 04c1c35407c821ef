using Confluent.Kafka;

namespace KkboxNcf.Contracts;

/// <summary>
/// Where every service finds Kafka and how it authenticates. Bound from the "Kafka" configuration
/// section (environment: Kafka__BootstrapServers, Kafka__SecurityProtocol, ...). The security
/// settings are librdkafka's own (security.protocol, sasl.*, ssl.*) under names that bind from
/// configuration; any other librdkafka property goes in Kafka:Properties and is passed through
/// unchanged, last, so it can also override them. KafkaClientConfigs turns these into
/// producer/consumer/admin configurations.
/// </summary>
public sealed class KafkaSettings
{
    public const string Section = "Kafka";
    public const string DefaultBootstrap = "127.0.0.1:9092";

    /// <summary>Shown instead of a secret in any message.</summary>
    public const string Redacted = "***";

    public string BootstrapServers { get; set; } = DefaultBootstrap;

    /// <summary>
    /// Consumer group protocol. KIP-848 "Consumer" (Kafka 4.0+, and the local broker) rebalances in about
    /// a second without stopping the group; set Kafka__GroupProtocol=Classic for older clusters.
    /// </summary>
    public GroupProtocol GroupProtocol { get; set; } = GroupProtocol.Consumer;

    /// <summary>security.protocol: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL.</summary>
    public string? SecurityProtocol { get; set; }
    /// <summary>sasl.mechanism: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.</summary>
    public string? SaslMechanism { get; set; }
    public string? SaslUsername { get; set; }
    /// <summary>sasl.password: a secret, never logged (give it through the environment or a secret store).</summary>
    public string? SaslPassword { get; set; }
    /// <summary>ssl.ca.location: the CA certificate(s) (PEM) the brokers' certificates are checked against.</summary>
    public string? SslCaLocation { get; set; }
    /// <summary>ssl.certificate.location and ssl.key.location: the client's own certificate and key (PEM), for mutual TLS.</summary>
    public string? SslCertificateLocation { get; set; }
    public string? SslKeyLocation { get; set; }
    /// <summary>ssl.key.password: a secret, never logged.</summary>
    public string? SslKeyPassword { get; set; }

    /// <summary>Raw librdkafka properties, e.g. ssl.endpoint.identification.algorithm, sasl.oauthbearer.*, or tuning.</summary>
    public Dictionary<string, string> Properties { get; set; } = new();

    /// <summary>Every librdkafka property these settings give, bootstrap.servers first and Kafka:Properties last.</summary>
    public IEnumerable<KeyValuePair<string, string>> ClientConfig()
    {
        yield return new("bootstrap.servers", BootstrapServers);
        foreach (var (property, _, value) in Security())
            if (!string.IsNullOrEmpty(value)) yield return new(property, value);
        foreach (var p in Properties) yield return p;
    }

    /// <summary>The security settings: librdkafka property, setting name, value.</summary>
    (string Property, string Setting, string? Value)[] Security() =>
    [
        ("security.protocol", "SecurityProtocol", SecurityProtocol), ("sasl.mechanism", "SaslMechanism", SaslMechanism),
        ("sasl.username", "SaslUsername", SaslUsername), ("sasl.password", "SaslPassword", SaslPassword),
        ("ssl.ca.location", "SslCaLocation", SslCaLocation), ("ssl.certificate.location", "SslCertificateLocation", SslCertificateLocation),
        ("ssl.key.location", "SslKeyLocation", SslKeyLocation), ("ssl.key.password", "SslKeyPassword", SslKeyPassword),
    ];

    /// <summary>Whether a librdkafka property holds a secret (its value must never appear in a message or log).</summary>
    public static bool IsSecret(string property) =>
        property.Contains("password", StringComparison.OrdinalIgnoreCase) || property.Contains("secret", StringComparison.OrdinalIgnoreCase)
        || property.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || property.Contains("token", StringComparison.OrdinalIgnoreCase);

    /// <summary>A text with every secret value of these settings replaced by ***.</summary>
    public string Redact(string text)
    {
        foreach (var (key, value) in ClientConfig())
            if (IsSecret(key) && value.Length > 0) text = text.Replace(value, Redacted, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// One message per bad value, naming the setting. librdkafka itself checks the properties (names,
    /// values, whether a certificate file loads) by creating a client that is disposed at once, so a
    /// typo in a security setting stops the service at start instead of at its first connection.
    /// </summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            yield return "Kafka:BootstrapServers must list the brokers as HOST:PORT[,HOST:PORT...]";
        }
        else
        {
            foreach (var server in BootstrapServers.Split(',', StringSplitOptions.TrimEntries))
            {
                int colon = server.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
                    yield return $"Kafka:BootstrapServers must list the brokers as HOST:PORT[,HOST:PORT...], got '{server}'";
            }
        }
        if (!Enum.IsDefined(GroupProtocol)) yield return $"Kafka:GroupProtocol must be Consumer or Classic, got '{GroupProtocol}'";
        if (SaslMechanism is { Length: > 0 } mechanism && mechanism.ToUpperInvariant() is not ("PLAIN" or "SCRAM-SHA-256" or "SCRAM-SHA-512" or "OAUTHBEARER" or "GSSAPI"))
            yield return $"Kafka:SaslMechanism must be PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER or GSSAPI, got '{mechanism}'";
        foreach (var (property, setting, value) in Security())
            if (property.EndsWith(".location", StringComparison.Ordinal) && !string.IsNullOrEmpty(value) && !File.Exists(value))
                yield return $"Kafka:{setting} ({property}) '{value}' does not exist";
        if (ClientConfig().Skip(1).Any() && LibrdkafkaProblem() is { } problem) yield return problem;
    }

    string? LibrdkafkaProblem()
    {
        try
        {
            using var probe = new ProducerBuilder<Null, Null>(new ProducerConfig(ClientConfig().ToDictionary()))
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, _) => { })
                .Build();
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            // librdkafka names its own property; say which of our settings that is
            string message = e.Message;
            foreach (var (property, setting, _) in Security())
                if (message.Contains(property, StringComparison.Ordinal)) message += $" (set by Kafka:{setting} or Kafka:Properties:{property})";
            return Redact($"Kafka settings rejected by librdkafka (Kafka:Properties or the security settings): {message}");
        }
    }
}
