using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Redis;

namespace KkboxNcf.Tests.Security;

/// <summary>
/// The Scorer's Redis client against Debian's redis-server with a password, an ACL user and TLS (a
/// throwaway CA from openssl), all through RedisSettings alone: lists are written and read back; a
/// wrong password or an untrusted certificate gives the readers' "Redis unavailable" (HTTP 503), and
/// the password is in none of the messages.
/// </summary>
public sealed class RedisSecurityTests : IClassFixture<TestCertificatesFixture>
{
    const string AdminPassword = "admin-Pw-5521";
    const string UserPassword = "scorer-Pw-9043";
    const string Prefix = "kkbox-sec";
    readonly TestCertificates _certs;

    public RedisSecurityTests(TestCertificatesFixture fixture) => _certs = fixture.Certificates;

    /// <summary>An ACL user that may touch only the Scorer's keys; the default user needs the admin password.</summary>
    static readonly string[] PasswordAndAclUser =
        ["--requirepass", AdminPassword, "--user", "scorer", "on", ">" + UserPassword, $"~{Prefix}:*", "+@all"];

    string[] Tls(bool clientCertificates) =>
        ["--tls-cert-file", _certs.ServerCert, "--tls-key-file", _certs.ServerKey, "--tls-ca-cert-file", _certs.CaCert,
         "--tls-auth-clients", clientCertificates ? "yes" : "no"];

    static RecommendationList List(string msno) =>
        new(msno, 7, ServingContexts.Usual, "t", "s", "y", 1000, 0, [new RecommendedSong("song-a", 0.9f), new RecommendedSong("song-b", 0.5f)]);

    /// <summary>Writes a list as the Scorer does and reads it back as the API does.</summary>
    static async Task<ReadOutcome> WriteAndRead(RedisSettings settings, string msno)
    {
        using var redis = RedisConnection.Connect(settings);
        var keys = new RedisKeys(Prefix);
        new ListWriter(redis.GetDatabase(), keys, TimeSpan.FromMinutes(5)).Write([List(msno)]);
        return await new RecommendationReader(redis, keys).ReadAsync(msno, ServingContexts.Usual, 10);
    }

    /// <summary>A read when the connection cannot be made: what the API turns into a 503.</summary>
    static async Task<ReadOutcome> Read(RedisSettings settings)
    {
        using var redis = RedisConnection.Connect(settings);
        return await new RecommendationReader(redis, new RedisKeys(Prefix)).ReadAsync("m", ServingContexts.Usual, 10);
    }

    [Fact]
    public async Task AnAclUserWithItsPasswordWritesAndReadsItsKeys()
    {
        using var server = new PrivateRedis(tls: false, PasswordAndAclUser);
        var outcome = await WriteAndRead(new RedisSettings { Configuration = $"127.0.0.1:{server.Port},user=scorer,password={UserPassword}" }, "m1");

        Assert.Equal(ReadStatus.Found, outcome.Status);
        Assert.Equal(["song-a", "song-b"], outcome.List!.Items.Select(i => i.SongId));
    }

    [Fact]
    public async Task ThePasswordAloneAuthenticatesTheDefaultUser()
    {
        using var server = new PrivateRedis(tls: false, PasswordAndAclUser);
        var outcome = await WriteAndRead(new RedisSettings { Configuration = $"127.0.0.1:{server.Port},password={AdminPassword}" }, "m2");
        Assert.Equal(ReadStatus.Found, outcome.Status);
    }

    [Fact]
    public async Task AWrongPasswordIsAnOutageWhoseMessageHoldsNoSecret()
    {
        using var server = new PrivateRedis(tls: false, PasswordAndAclUser);
        const string wrong = "wrong-Pw-1187";
        var outcome = await Read(new RedisSettings { Configuration = $"127.0.0.1:{server.Port},user=scorer,password={wrong},asyncTimeout=2000" });

        Assert.Equal(ReadStatus.Unavailable, outcome.Status);
        Assert.DoesNotContain(wrong, outcome.Problem);
        Assert.DoesNotContain(UserPassword, outcome.Problem);
    }

    [Fact]
    public async Task TlsWithAPrivateCaAndAPasswordWorksThroughTheSettings()
    {
        using var server = new PrivateRedis(tls: true, [.. Tls(clientCertificates: false), .. PasswordAndAclUser]);
        var outcome = await WriteAndRead(new RedisSettings
        {
            Configuration = $"127.0.0.1:{server.Port},ssl=true,sslHost=localhost,user=scorer,password={UserPassword}",
            TrustedCaFile = _certs.CaCert,
        }, "m4");

        Assert.Equal(ReadStatus.Found, outcome.Status);
    }

    [Fact]
    public async Task TlsWithoutTrustingTheCaIsRefused()
    {
        using var server = new PrivateRedis(tls: true, [.. Tls(clientCertificates: false), .. PasswordAndAclUser]);
        var outcome = await Read(new RedisSettings
        {
            Configuration = $"127.0.0.1:{server.Port},ssl=true,sslHost=localhost,user=scorer,password={UserPassword},asyncTimeout=2000",
        });

        Assert.Equal(ReadStatus.Unavailable, outcome.Status);
        Assert.DoesNotContain(UserPassword, outcome.Problem);
    }

    [Fact]
    public async Task MutualTlsWithAClientCertificateFromTheSettings()
    {
        using var server = new PrivateRedis(tls: true, [.. Tls(clientCertificates: true), .. PasswordAndAclUser]);
        var outcome = await WriteAndRead(new RedisSettings
        {
            Configuration = $"127.0.0.1:{server.Port},ssl=true,sslHost=localhost,user=scorer,password={UserPassword}",
            TrustedCaFile = _certs.CaCert,
            ClientCertificateFile = _certs.ClientPfx,
            ClientCertificatePassword = TestCertificates.ClientPfxPassword,
        }, "m6");
        Assert.Equal(ReadStatus.Found, outcome.Status);
    }

    [Fact]
    public async Task MutualTlsWithoutTheClientCertificateIsRefused()
    {
        using var server = new PrivateRedis(tls: true, [.. Tls(clientCertificates: true), .. PasswordAndAclUser]);
        var outcome = await Read(new RedisSettings
        {
            Configuration = $"127.0.0.1:{server.Port},ssl=true,sslHost=localhost,user=scorer,password={UserPassword},asyncTimeout=2000",
            TrustedCaFile = _certs.CaCert,
        });
        Assert.Equal(ReadStatus.Unavailable, outcome.Status);
    }
}

/// <summary>One set of certificates for the class: openssl takes a second to make them.</summary>
public sealed class TestCertificatesFixture : IDisposable
{
    public TestCertificates Certificates { get; } = new();
    public void Dispose() => Certificates.Dispose();
}
