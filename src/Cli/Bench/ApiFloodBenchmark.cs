using System.Diagnostics;
using System.Net;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Scorer.Redis;

namespace KkboxNcf.Cli.Bench;

/// <summary>
/// A flood of concurrent requests on loopback against the real Scorer process (its own broker, the
/// local Redis): valid, unknown and malformed requests at once. Measures the Scorer's resident
/// memory before, at its peak during, and after the flood, with its default HTTP limits; the
/// same-run reference is the same flood against a Scorer with the limits lifted.
/// </summary>
public sealed class ApiFloodBenchmark : IBenchmark
{
    const int Members = 1000;

    public string Name => "api-flood";

    public string Description => "Scorer memory growth (MiB) under a flood of concurrent HTTP requests, with its limits versus without";

    public async Task<BenchResult> RunAsync(Args args, CancellationToken ct)
    {
        int requests = (int)args.Long("requests", 20_000);
        args.RejectUnknown();
        var redisSettings = RedisSettings.FromEnvironment();
        string prefix = $"bench-flood-{Environment.ProcessId}";
        using var redis = RedisConnection.Connect(redisSettings);
        var keys = new RedisKeys(prefix);
        var writer = new ListWriter(redis.GetDatabase(), keys, TimeSpan.FromMinutes(10));
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        RecommendationList List(string msno, string context) => new(msno, 1, context, "t", "s", "y", now, now,
            Enumerable.Range(0, 50).Select(i => new RecommendedSong($"song-{msno}-{i}", 1f - i / 100f)).ToArray());
        writer.Write(Enumerable.Range(0, Members).Select(i => List($"m{i}", ServingContexts.Usual)).ToList());
        writer.WritePopular(List("", ServingContexts.Popular));
        writer.SetCurrentModel(1);

        using var broker = LocalBrokerProcess.Start();
        var limited = await FloodAsync(broker.Bootstrap, redisSettings.Configuration, prefix, requests, [], ct);
        var unlimited = await FloodAsync(broker.Bootstrap, redisSettings.Configuration, prefix, requests,
            ["--Scorer:HttpMaxConcurrentRequests", "1000000", "--Scorer:HttpQueueLimit", "0", "--Scorer:HttpMaxConnections", "1000000"], ct);
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: prefix + ":*")) await redis.GetDatabase().KeyDeleteAsync(key);

        Console.WriteLine($"with limits:    {limited}");
        Console.WriteLine($"without limits: {unlimited}");
        return new BenchResult(Name, limited.PeakGrowthMiB, "MiB", "the same flood against a Scorer without HTTP limits", unlimited.PeakGrowthMiB,
            Target: 256, HigherIsBetter: false, Details: new Dictionary<string, object>
            {
                ["requests"] = requests,
                ["with_limits"] = limited.Details(),
                ["without_limits"] = unlimited.Details(),
            });
    }

    sealed record Flood(double BeforeMiB, double PeakMiB, double AfterMiB, double Seconds, Dictionary<string, int> Statuses, int Failed)
    {
        public double PeakGrowthMiB => PeakMiB - BeforeMiB;

        public Dictionary<string, object> Details() => new()
        {
            ["rss_before_mib"] = Math.Round(BeforeMiB, 1), ["rss_peak_mib"] = Math.Round(PeakMiB, 1), ["rss_after_mib"] = Math.Round(AfterMiB, 1),
            ["seconds"] = Math.Round(Seconds, 2), ["statuses"] = Statuses, ["requests_without_an_answer"] = Failed,
        };

        public override string ToString() =>
            $"RSS {BeforeMiB:F0} MiB before, {PeakMiB:F0} MiB peak, {AfterMiB:F0} MiB after; {Seconds:F1} s; " +
            string.Join(", ", Statuses.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")) + $"; no answer: {Failed}";
    }

    static async Task<Flood> FloodAsync(string bootstrap, string redis, string prefix, int requests, string[] extra, CancellationToken ct)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "..", "..", "KkboxNcf.Scorer", "release", "KkboxNcf.Scorer.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"the Scorer is not built ({dll}): run ./kkbox build", dll);
        string url = $"http://127.0.0.1:{FreePort()}";
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--Kafka:BootstrapServers", bootstrap, "--Redis:Configuration", redis, "--key-prefix", prefix,
                     "--http", url, "--group", $"bench-flood-{Guid.NewGuid():N}" }.Concat(extra)) psi.ArgumentList.Add(a);
        using var scorer = Process.Start(psi)!;
        scorer.OutputDataReceived += (_, _) => { };
        scorer.ErrorDataReceived += (_, _) => { };
        scorer.BeginOutputReadLine();
        scorer.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(120) };
            var clock = Stopwatch.StartNew();
            while (true)
            {
                if (scorer.HasExited) throw new InvalidOperationException($"the Scorer exited with {scorer.ExitCode}");
                try { if ((await http.GetAsync("/members/m0/recommendations", ct)).StatusCode == HttpStatusCode.OK) break; }
                catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(60)) { }
                await Task.Delay(200, ct);
            }
            for (int i = 0; i < 200; i++) await http.GetAsync($"/members/m{i}/recommendations?k=20", ct); // warm-up
            await Task.Delay(500, ct);
            double before = RssMiB(scorer.Id);

            double peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, RssMiB(scorer.Id));
                    try { await Task.Delay(20, sampling.Token); } catch (OperationCanceledException) { }
                }
            });
            var random = new Random(1);
            string[] paths = Enumerable.Range(0, requests).Select(i => (i % 10) switch
            {
                < 6 => $"/members/m{random.Next(Members)}/recommendations?k={1 + random.Next(50)}",
                6 => $"/members/unknown-{i}/recommendations",
                7 => $"/members/m{i % Members}/recommendations?k=abc",
                8 => $"/members/{new string('x', 300)}/recommendations",
                _ => $"/members/m{i % Members}/recommendations?k=1000&context=discover",
            }).ToArray();
            var flood = Stopwatch.StartNew();
            var results = await Task.WhenAll(paths.Select(async path =>
            {
                try
                {
                    using var response = await http.GetAsync(path, ct);
                    await response.Content.ReadAsByteArrayAsync(ct);
                    return ((int)response.StatusCode).ToString();
                }
                catch (HttpRequestException) { return "no answer"; }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested) { return "no answer"; }
            }));
            double seconds = flood.Elapsed.TotalSeconds;
            sampling.Cancel();
            await sampler;
            peak = Math.Max(peak, RssMiB(scorer.Id));
            await Task.Delay(2000, ct);
            double after = RssMiB(scorer.Id);
            peak = Math.Max(peak, after); // the runtime may still be growing its heap just after the flood
            var statuses = results.Where(r => r != "no answer").GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
            return new Flood(before, peak, after, seconds, statuses, results.Count(r => r == "no answer"));
        }
        finally
        {
            if (!scorer.HasExited) scorer.Kill(entireProcessTree: true);
            scorer.WaitForExit(10_000);
        }
    }

    /// <summary>Resident memory of a process (VmRSS), MiB; the flood's peak is sampled every 20 ms.</summary>
    static double RssMiB(int pid) => StatusKiB(pid, "VmRSS:") / 1024.0;

    static long StatusKiB(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line[field.Length..].Trim().Split(' ')[0]);
        }
        catch (IOException) { }
        return 0;
    }

    static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
