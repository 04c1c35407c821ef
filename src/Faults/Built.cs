namespace KkboxNcf.Faults;

/// <summary>Where the built programs are: artifacts/bin/KkboxNcf.NAME/release/, beside the running program's own folder.</summary>
public static class Built
{
    public static string Dll(string name)
    {
        string path = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", $"KkboxNcf.{name}", "release", $"KkboxNcf.{name}.dll"));
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: build first (./kkbox build)", path);
        return path;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls until the condition holds; false at the timeout.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout, int pollMs = 100)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) return false;
            Thread.Sleep(pollMs);
        }
        return true;
    }
}
