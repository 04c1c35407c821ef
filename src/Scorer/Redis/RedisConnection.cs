using KkboxNcf.Contracts;
using StackExchange.Redis;

namespace KkboxNcf.Scorer.Redis;

public static class RedisConnection
{
    /// <summary>
    /// One multiplexer for the process. It does not fail when Redis is down at start: it keeps
    /// reconnecting, and commands fail at once (503 on the API) until Redis is back.
    /// </summary>
    public static ConnectionMultiplexer Connect(RedisSettings settings) => ConnectionMultiplexer.Connect(Options(settings));

    /// <summary>The client options of these settings: the configuration string (user, password, ssl, ...), then the TLS files.</summary>
    public static ConfigurationOptions Options(RedisSettings settings)
    {
        var options = ConfigurationOptions.Parse(settings.Configuration);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2_000);
        options.SyncTimeout = Math.Max(options.SyncTimeout, 10_000);
        // While disconnected, fail commands at once instead of queueing them until the timeout: the
        // API answers 503 immediately and the Scorer's own retry (with back-off) decides when to try again.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!string.IsNullOrEmpty(settings.TrustedCaFile)) options.TrustIssuer(settings.TrustedCaFile);
        if (!string.IsNullOrEmpty(settings.ClientCertificateFile))
            options.SetUserPfxCertificate(settings.ClientCertificateFile, settings.ClientCertificatePassword);
        return options;
    }

    /// <summary>
    /// One message per bad value, naming the setting. The configuration string is parsed as the client
    /// will parse it; its own text is never repeated, since it may hold a password.
    /// </summary>
    public static IEnumerable<string> Validate(RedisSettings settings)
    {
        ConfigurationOptions? options = null;
        string? problem = null;
        if (string.IsNullOrWhiteSpace(settings.Configuration)) problem = "Redis:Configuration must name a server, e.g. 127.0.0.1:6391";
        else
        {
            try { options = ConfigurationOptions.Parse(settings.Configuration); }
            catch (Exception e) when (e is ArgumentException or FormatException or NotSupportedException)
            {
                problem = $"Redis:Configuration is not a valid StackExchange.Redis configuration string: {Redact(e.Message, settings)}";
            }
            if (options is { EndPoints.Count: 0 }) problem = "Redis:Configuration must name a server (HOST:PORT), e.g. 127.0.0.1:6391";
        }
        if (problem is not null) yield return problem;
        if (settings.TrustedCaFile is { } ca && !File.Exists(ca)) yield return $"Redis:TrustedCaFile '{ca}' does not exist";
        if (settings.ClientCertificateFile is { } cert && !File.Exists(cert)) yield return $"Redis:ClientCertificateFile '{cert}' does not exist";
        if (options is { Ssl: false } && (settings.TrustedCaFile is not null || settings.ClientCertificateFile is not null))
            yield return "Redis:TrustedCaFile and Redis:ClientCertificateFile need TLS: add ssl=true to Redis:Configuration";
    }

    static string Redact(string message, RedisSettings settings)
    {
        foreach (var part in settings.Configuration.Split(','))
        {
            int eq = part.IndexOf('=');
            if (eq > 0 && part[..eq].Trim().Contains("password", StringComparison.OrdinalIgnoreCase) && part.Length > eq + 1)
                message = message.Replace(part[(eq + 1)..], KafkaSettings.Redacted, StringComparison.Ordinal);
        }
        return message;
    }
}
