using KkboxNcf.Tests.Data;

namespace KkboxNcf.Tests.Security;

/// <summary>
/// A throwaway CA, a server certificate for localhost/127.0.0.1 signed by it, and a client
/// certificate (PEM, and PKCS#12 for .NET), made with openssl in a temporary folder.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    public const string ClientPfxPassword = "pfx-pass-0731";
    readonly TempDir _dir = new();

    public TestCertificates()
    {
        OpenSsl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", File("ca.key"), "-out", CaCert, "-days", "1", "-subj", "/CN=KkboxNcf test CA");
        System.IO.File.WriteAllText(File("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        Sign("server", "/CN=localhost", File("server.ext"));
        System.IO.File.WriteAllText(File("client.ext"), "extendedKeyUsage=clientAuth\n");
        Sign("client", "/CN=kkbox-scorer", File("client.ext"));
        OpenSsl("pkcs12", "-export", "-in", File("client.crt"), "-inkey", File("client.key"), "-out", ClientPfx, "-passout", "pass:" + ClientPfxPassword);
    }

    public string CaCert => File("ca.crt");
    public string ServerCert => File("server.crt");
    public string ServerKey => File("server.key");
    public string ClientPfx => File("client.pfx");

    string File(string name) => _dir.File(name);

    void Sign(string name, string subject, string extensions)
    {
        OpenSsl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", File(name + ".key"), "-out", File(name + ".csr"), "-subj", subject);
        OpenSsl("x509", "-req", "-in", File(name + ".csr"), "-CA", CaCert, "-CAkey", File("ca.key"), "-CAcreateserial",
            "-out", File(name + ".crt"), "-days", "1", "-extfile", extensions);
    }

    static void OpenSsl(params string[] args)
    {
        var (exitCode, output) = TestInfra.Run("openssl", args, timeout: TimeSpan.FromSeconds(30));
        if (exitCode != 0) throw new InvalidOperationException($"openssl {string.Join(' ', args)} failed: {output}");
    }

    public void Dispose() => _dir.Dispose();
}
