using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace KkboxNcf.Cli.Bench;

/// <summary>Runs `redis-benchmark` (SET, pipelined) against the same Redis as a same-run reference.</summary>
public static partial class RedisBenchmarkTool
{
    public sealed record Outcome(double RequestsPerSecond, string Command);

    /// <summary>
    /// SET requests/s of `SET {keyPrefix}NNNNNNNNNNNN VALUE EX ttl` with keys padded to keyBytes and
    /// values of valueBytes, with the given pipeline depth (50 clients, its default). The key numbers
    /// are drawn from 10^9 (redis-benchmark reads -r as a 32-bit int), so nearly every SET creates a new key, as a first refresh into an empty
    /// prefix does; the caller deletes the keys under keyPrefix afterwards.
    /// </summary>
    /// <param name="keySpace">How many distinct keys the requests draw from: 1,000,000,000 makes nearly every SET a new key;
    /// fewer than requests makes most of them overwrites.</param>
    /// <param name="ttlSeconds">0: plain SET, no expiry.</param>
    public static Outcome SetRate(string redisConfiguration, string keyPrefix, int keyBytes, int valueBytes, int ttlSeconds, int pipeline, int requests,
        int keySpace = 1_000_000_000)
    {
        string endpoint = redisConfiguration.Split(',')[0];
        int colon = endpoint.LastIndexOf(':');
        string host = colon > 0 ? endpoint[..colon] : endpoint;
        string port = colon > 0 ? endpoint[(colon + 1)..] : "6379";
        const string Random = "__rand_int__"; // redis-benchmark puts a 12-digit number here
        string key = keyPrefix + new string('k', Math.Max(0, keyBytes - keyPrefix.Length - 12)) + Random;
        var psi = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true };
        string space = keySpace.ToString(CultureInfo.InvariantCulture);
        var expiry = ttlSeconds > 0 ? new[] { "EX", ttlSeconds.ToString(CultureInfo.InvariantCulture) } : [];
        foreach (var a in new[] { "-h", host, "-p", port, "-P", pipeline.ToString(CultureInfo.InvariantCulture),
                     "-n", requests.ToString(CultureInfo.InvariantCulture), "-r", space, "-q", "SET", key, new string('x', valueBytes) }.Concat(expiry))
            psi.ArgumentList.Add(a);
        string command = $"redis-benchmark -P {pipeline} -n {requests} -r {space} SET {key} <{valueBytes} bytes>{(ttlSeconds > 0 ? $" EX {ttlSeconds}" : "")}";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("redis-benchmark did not start");
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        // -q prints e.g. "SET ...: 123456.79 requests per second, p50=0.295 msec" (the command line, value included)
        var m = RatePattern().Matches(output);
        if (p.ExitCode != 0 || m.Count == 0)
            throw new InvalidOperationException($"redis-benchmark failed ({p.ExitCode}): {Shorten(output.Trim())}");
        return new Outcome(double.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture), command);
    }

    static string Shorten(string s) => s.Length <= 500 ? s : s[..250] + " ... " + s[^250..];

    [GeneratedRegex(@": ([0-9.]+) requests per second")]
    private static partial Regex RatePattern();
}
