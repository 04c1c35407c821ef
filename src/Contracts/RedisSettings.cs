namespace KkboxNcf.Contracts;

/// <summary>
/// Where the Scorer writes and readers read. Bound from the "Redis" configuration section
/// (environment: Redis__Configuration), a StackExchange.Redis configuration string, e.g.
/// "127.0.0.1:6391" or "redis:6379,user=kkbox,password=...,ssl=true". A private CA and a client
/// certificate cannot be given in that string, hence the two file settings.
/// </summary>
public sealed class RedisSettings
{
    public const string Section = "Redis";
    public const string DefaultConfiguration = "127.0.0.1:6391";

    public string Configuration { get; set; } = DefaultConfiguration;

    /// <summary>A CA certificate (PEM or DER) that signed the server's TLS certificate, when it is not in the system's trust store.</summary>
    public string? TrustedCaFile { get; set; }

    /// <summary>A client certificate with its key (PKCS#12 .pfx) for servers that ask for one (tls-auth-clients yes).</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The .pfx file's password: a secret, never logged.</summary>
    public string? ClientCertificatePassword { get; set; }

    /// <summary>The same settings from the environment, for the command-line tools that run without a host.</summary>
    public static RedisSettings FromEnvironment() => new()
    {
        Configuration = Environment.GetEnvironmentVariable("Redis__Configuration") is { Length: > 0 } c ? c : DefaultConfiguration,
        TrustedCaFile = Environment.GetEnvironmentVariable("Redis__TrustedCaFile"),
        ClientCertificateFile = Environment.GetEnvironmentVariable("Redis__ClientCertificateFile"),
        ClientCertificatePassword = Environment.GetEnvironmentVariable("Redis__ClientCertificatePassword"),
    };
}
