using System.Diagnostics;

namespace KkboxNcf.Tests.Report;

/// <summary>Debian's headless Chromium, as `./kkbox test` installs it: screenshots and the DOM after scripts ran.</summary>
public static class Chromium
{
    public static string Binary =>
        new[] { "chromium", "chromium-browser" }
            .Select(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists))
            .FirstOrDefault(p => p is not null)
        ?? throw new InvalidOperationException("chromium is not installed: `./kkbox test` installs it (apt-get install chromium)");

    static string[] Flags(string profile, int width, int height) =>
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--force-device-scale-factor=1",
        $"--user-data-dir={profile}", $"--window-size={width},{height}",
    ];

    public static void Screenshot(string html, string png, int width, int height) =>
        Run([.. Flags(NewProfile(), width, height), $"--screenshot={png}", new Uri(html).AbsoluteUri]);

    public static string DumpDom(string html, int width, int height) =>
        Run([.. Flags(NewProfile(), width, height), "--dump-dom", new Uri(html).AbsoluteUri]);

    static string NewProfile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "kkbox-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    static string Run(string[] args)
    {
        var psi = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish in 2 minutes");
        }
        p.WaitForExit();
        string profile = args.First(a => a.StartsWith("--user-data-dir=", StringComparison.Ordinal))["--user-data-dir=".Length..];
        try { Directory.Delete(profile, recursive: true); } catch (IOException) { }
        if (p.ExitCode != 0) throw new InvalidOperationException($"chromium exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
