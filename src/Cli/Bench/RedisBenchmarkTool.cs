using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KkboxNcf.Cli.Bench;

/// <summary>Runs `redis-benchmark` (SET, pipelined) against the same Redis as a same-run reference.</summary>
public static partial class RedisBenchmarkTool
{
    /// <summary>SET requests/s for values of valueBytes with the given pipeline depth (50 clients, its default).</summary>
    public static double SetRate(string redisConfiguration, int valueBytes, int pipeline, int requests)
    {
        string endpoint = redisConfiguration.Split(',')[0];
        int colon = endpoint.LastIndexOf(':');
        string host = colon > 0 ? endpoint[..colon] : endpoint;
        string port = colon > 0 ? endpoint[(colon + 1)..] : "6379";
        var psi = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-h", host, "-p", port, "-t", "set", "-P", pipeline.ToString(CultureInfo.InvariantCulture),
                     "-d", valueBytes.ToString(CultureInfo.InvariantCulture), "-n", requests.ToString(CultureInfo.InvariantCulture),
                     "-r", "100000", "-q" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("redis-benchmark did not start");
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        // -q prints e.g. "SET: 123456.79 requests per second, p50=0.295 msec"; the last one is the summary
        var m = SetPattern().Matches(output);
        if (p.ExitCode != 0 || m.Count == 0) throw new InvalidOperationException($"redis-benchmark failed ({p.ExitCode}): {output.Trim()}");
        return double.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"SET: ([0-9.]+) requests per second")]
    private static partial Regex SetPattern();
}
