using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using KkboxNcf.Contracts.Serving;
using KkboxNcf.Data;
using KkboxNcf.Scorer.Redis;
using StackExchange.Redis;

namespace KkboxNcf.Cli.Serving;

/// <summary>
/// `kkbox serving wait [--timeout 300]`: waits until the Scorer has finished the lists of the newest
/// checkpoint announced on kkbox.checkpoints (Redis' current-model pointer reaches its version).
/// `kkbox serving sample [--members 3] [--k 5] [--data DIR]`: a few members' lists read back from
/// Redis, with each song's name, artist and genre looked up in DIR's songs.csv and song_extra_info.csv.
/// </summary>
public sealed class ServingCommand : ICommand
{
    public string[] Words => ["serving"];
    public string Usage => "serving wait [--timeout SECONDS] | serving sample [--members 3] [--k 5] [--data DIR]";

    /// <summary>The services' Redis settings (password, TLS files) from the environment; fail at once when Redis is away.</summary>
    static ConfigurationOptions Redis
    {
        get
        {
            var options = RedisConnection.Options(RedisSettings.FromEnvironment());
            options.AbortOnConnectFail = true;
            return options;
        }
    }
    static string Kafka => Environment.GetEnvironmentVariable("Kafka__BootstrapServers") is { Length: > 0 } b ? b : KafkaSettings.DefaultBootstrap;

    public async Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string verb = args.Positional.FirstOrDefault() ?? throw new UsageException("say wait or sample");
        var keys = new RedisKeys(args.Get("key-prefix", RedisKeys.DefaultPrefix));
        switch (verb)
        {
            case "wait":
                double timeout = args.Double("timeout", 300);
                args.RejectUnknown();
                return await WaitAsync(keys, timeout, ct);
            case "sample":
                int members = (int)args.Long("members", 3), k = (int)args.Long("k", 5);
                string? data = args.Get("data");
                args.RejectUnknown();
                return await SampleAsync(keys, members, k, data);
            default:
                throw new UsageException($"unknown serving command '{verb}'");
        }
    }

    static async Task<int> WaitAsync(RedisKeys keys, double timeoutSeconds, CancellationToken ct)
    {
        long? newest = NewestCheckpoint();
        if (newest is null) { Console.Error.WriteLine($"no checkpoint announced on {Topics.Checkpoints}"); return 1; }
        using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        var db = redis.GetDatabase();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var current = (long?)await db.StringGetAsync(keys.CurrentModel);
            if (current >= newest) { Console.WriteLine($"lists of model {current} are in Redis"); return 0; }
            if (clock.Elapsed.TotalSeconds > timeoutSeconds)
            {
                Console.Error.WriteLine($"after {timeoutSeconds:F0} s Redis serves model {current?.ToString() ?? "none"}, newest checkpoint is {newest}");
                return 1;
            }
            await Task.Delay(500, ct);
        }
    }

    /// <summary>The version of the last CheckpointPublished on the checkpoints topic (one partition).</summary>
    static long? NewestCheckpoint()
    {
        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = Kafka }, $"kkbox-cli-{Guid.NewGuid():N}", "kkbox-cli");
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var tp = new TopicPartition(Topics.Checkpoints, 0);
        var marks = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
        if (marks.High.Value <= marks.Low.Value) return null;
        consumer.Assign(new TopicPartitionOffset(tp, marks.High.Value - 1));
        var result = consumer.Consume(TimeSpan.FromSeconds(10));
        return result is null ? null : Messages.Decode<CheckpointPublished>(result.Message.Value).ModelVersion;
    }

    static async Task<int> SampleAsync(RedisKeys keys, int members, int k, string? data)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(Redis);
        var db = redis.GetDatabase();
        var lists = new List<RecommendationList>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: keys.List("*", ServingContexts.Usual), pageSize: 100))
        {
            byte[]? value = await db.StringGetAsync(key);
            if (value is not null) lists.Add(RecommendationList.Parse(value).Top(k));
            if (lists.Count == members) break;
        }
        if (lists.Count == 0) { Console.Error.WriteLine("no recommendation lists in Redis"); return 1; }
        var songs = data is null ? new() : SongInfo(data, lists.SelectMany(l => l.Items.Select(i => i.SongId)).ToHashSet());
        foreach (var list in lists)
        {
            string by = list.Source == ListSources.Popular ? $"popular in its tab, model {list.ModelVersion} in use" : $"model {list.ModelVersion}";
            Console.WriteLine($"member {list.Msno} ({by}, context {list.Tab} | {list.Screen} | {list.Type}):");
            int rank = 1;
            foreach (var item in list.Items)
            {
                var info = songs.GetValueOrDefault(item.SongId);
                Console.WriteLine($"  {rank++,2}. {item.Score:F3}  {Cut(info.Name, 28),-28}  {Cut(info.Artist, 24),-24}  genre {info.Genre ?? "?",-8}  {item.SongId}");
            }
        }
        return 0;
    }

    static string Cut(string? s, int n) => s is null ? "?" : s.Length <= n ? s : s[..(n - 1)] + "…";

    /// <summary>Name, first artist and first genre of the given songs, from the data folder's files.</summary>
    static Dictionary<string, (string? Name, string? Artist, string? Genre)> SongInfo(string dir, HashSet<string> ids)
    {
        var info = new Dictionary<string, (string? Name, string? Artist, string? Genre)>();
        string songs = Path.Combine(dir, "songs.csv"), extras = Path.Combine(dir, "song_extra_info.csv");
        if (File.Exists(songs))
            KkboxReader.ScanRows(songs, KkboxSchema.Songs, new ReadReport(), row =>
            {
                string id = Encoding.UTF8.GetString(row.Field(0));
                if (!ids.Contains(id)) return null;
                info[id] = (null, First(row.Field(3)), First(row.Field(2)));
                return null;
            });
        if (File.Exists(extras))
            KkboxReader.ScanRows(extras, KkboxSchema.SongExtras, new ReadReport(), row =>
            {
                string id = Encoding.UTF8.GetString(row.Field(0));
                if (!ids.Contains(id)) return null;
                var known = info.GetValueOrDefault(id);
                info[id] = (Encoding.UTF8.GetString(row.Field(1)), known.Artist, known.Genre);
                return null;
            });
        return info;
    }

    static string? First(ReadOnlySpan<byte> multi)
    {
        foreach (var range in multi.Split((byte)'|'))
        {
            var part = Utf8Fields.TrimAscii(multi[range]);
            if (!part.IsEmpty) return Encoding.UTF8.GetString(part);
        }
        return null;
    }
}
