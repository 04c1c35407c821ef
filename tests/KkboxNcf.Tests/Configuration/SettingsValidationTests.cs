using System.Reflection;
using KkboxNcf.Contracts;
using KkboxNcf.Hosting;
using KkboxNcf.Ingest;
using KkboxNcf.LocalBroker;
using KkboxNcf.Scorer;
using KkboxNcf.Trainer;
using KkboxNcf.Tests.Data;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace KkboxNcf.Tests.Configuration;

/// <summary>
/// Every setting of every service, tried with values it must refuse, through the real host of the
/// service (its command-line switches and configuration binding, the validation it runs at start):
/// each must stop the service with a message naming the setting. The settings classes are found by
/// reflection, so a new setting without a test of its bad values fails here.
/// </summary>
public sealed class SettingsValidationTests(ITestOutputHelper output) : IDisposable
{
    readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Values each setting must refuse (besides "abc" for every number, bool and enum, added below).</summary>
    static readonly Dictionary<string, string[]> Invalid = new()
    {
        ["Ingest:DataDirectory"] = ["", "/no/such/folder"],
        ["Ingest:Rate"] = ["-1"],
        ["Ingest:MaxLag"] = ["-5"],
        ["Ingest:LagGroup"] = [" "],
        ["Ingest:FromRow"] = ["0"],
        ["Ingest:RejectsPath"] = [" "],
        ["Trainer:ListensTopic"] = [""], ["Trainer:MembersTopic"] = [""], ["Trainer:SongsTopic"] = [""], ["Trainer:SongExtrasTopic"] = [""],
        ["Trainer:CheckpointsTopic"] = [""], ["Trainer:MetricsTopic"] = [""], ["Trainer:DeadLettersTopic"] = [""],
        ["Trainer:GroupId"] = [" "],
        ["Trainer:BatchSize"] = ["0", "-3"],
        ["Trainer:BatchMaxWaitMs"] = ["-1"],
        ["Trainer:Model"] = ["xgboost"],
        ["Trainer:NDim"] = ["0"],
        ["Trainer:ListenDim"] = ["-1"],
        ["Trainer:ListenWeight"] = ["-1", "NaN"],
        ["Trainer:HistoryLength"] = ["-1", "101"],
        ["Trainer:LearningRate"] = ["0", "-0.1", "NaN", "Infinity"],
        ["Trainer:StepBatchSize"] = ["0"],
        ["Trainer:Passes"] = ["0"],
        ["Trainer:TorchThreads"] = ["-1"],
        ["Trainer:LabelDelay"] = ["-1"],
        ["Trainer:MaxUsers"] = ["512"],
        ["Trainer:MaxSongs"] = ["100"],
        ["Trainer:MetricsWindow"] = ["0"],
        ["Trainer:MetricsEveryEvents"] = ["0"],
        ["Trainer:MetricsFile"] = [" "],
        ["Trainer:CheckpointDirectory"] = [""],
        ["Trainer:CheckpointEveryEvents"] = ["0"],
        ["Trainer:CheckpointEverySeconds"] = ["0"],
        ["Trainer:KeepCheckpoints"] = ["0"],
        ["Trainer:WarmStart"] = ["/no/such/model.bin"],
        ["Trainer:MetadataCatchUpSeconds"] = ["-1"],
        ["Trainer:StopAfterEvents"] = ["-1"],
        ["Scorer:ListensTopic"] = [""], ["Scorer:CheckpointsTopic"] = [""], ["Scorer:MetricsTopic"] = [""], ["Scorer:DeadLettersTopic"] = [""],
        ["Scorer:GroupId"] = [""],
        ["Scorer:K"] = ["0"],
        ["Scorer:Candidates"] = ["10"],
        ["Scorer:PopularCandidates"] = ["-1"], ["Scorer:PriorCandidates"] = ["-1"],
        ["Scorer:ReplayWeight"] = ["-0.5", "NaN"],
        ["Scorer:PopularityWeight"] = ["-1", "Infinity"],
        ["Scorer:CoListenWeight"] = ["-1", "NaN"],
        ["Scorer:CoListenCandidates"] = ["-1"],
        ["Scorer:CoListenHistory"] = ["19"],
        ["Scorer:Neighbours"] = ["0"],
        ["Scorer:NeighboursEverySeconds"] = ["0"],
        ["Scorer:Rerank"] = ["10"],
        ["Scorer:RisingCandidates"] = ["-1"],
        ["Scorer:RisingHalfLifeListens"] = ["0.5", "NaN"],
        ["Scorer:ExtrasEverySeconds"] = ["0"],
        ["Scorer:CandidateBlock"] = ["0"],
        ["Scorer:DefaultContext"] = ["only-a-tab"],
        ["Scorer:DiscoverContext"] = ["a|b"],
        ["Scorer:ListTtlSeconds"] = ["9"],
        ["Scorer:KeyPrefix"] = [" "],
        ["Scorer:WriteBatch"] = ["0"],
        ["Scorer:FreshBatchMs"] = ["0"],
        ["Scorer:FreshBatchMembers"] = ["0"],
        ["Scorer:ListensPartitions"] = ["-1"],
        ["Scorer:HttpUrl"] = ["ftp://127.0.0.1:21", "not a url"],
        ["Scorer:HttpMaxConcurrentRequests"] = ["0"],
        ["Scorer:HttpQueueLimit"] = ["-1"],
        ["Scorer:HttpMaxConnections"] = ["0"],
        ["Scorer:MetricsEverySeconds"] = ["0"],
        ["Scorer:MetricsFile"] = [""],
        ["Health:File"] = [""],
        ["Health:IntervalSeconds"] = ["0"],
        ["Kafka:BootstrapServers"] = ["", "kafka-without-port", "kafka:99999"],
        ["Kafka:GroupProtocol"] = ["7"],
        ["Kafka:SecurityProtocol"] = ["HTTPS"],
        ["Kafka:SaslMechanism"] = ["ROT13"],
        ["Kafka:SslCaLocation"] = ["/no/such/ca.pem"],
        ["Kafka:SslCertificateLocation"] = ["/no/such/client.pem"],
        ["Kafka:SslKeyLocation"] = ["/no/such/client.key"],
        ["Kafka:Properties"] = [], // entries: below
        ["Redis:Configuration"] = ["", "127.0.0.1:6391,nosuchoption=1", "127.0.0.1:6391,ssl=maybe", "password=no-server"],
        ["Redis:TrustedCaFile"] = ["/no/such/ca.pem"],
        ["Redis:ClientCertificateFile"] = ["/no/such/client.pfx"],
        ["LocalBroker:Listen"] = ["abc", "127.0.0.1:70000", "kafka.example.com:9092"],
        ["LocalBroker:AdvertisedHost"] = ["two words"],
        ["LocalBroker:ReadyFile"] = [""],
        ["LocalBroker:Brokers"] = ["0", "17"],
        ["LocalBroker:InitialRebalanceDelayMs"] = ["-1"],
        ["LocalBroker:ConsumerGroupSessionTimeoutMs"] = ["100"],
        ["LocalBroker:ConsumerGroupHeartbeatIntervalMs"] = ["0"],
        ["LocalBroker:ExtraTopics"] = [], // entries: below
        ["LocalBroker:RetentionCheckIntervalMs"] = ["-1"],
        ["LocalBroker:NativeLibrary"] = ["/no/such/librdkafka.so"],
    };

    /// <summary>Entries of dictionary settings that must be refused: key, value.</summary>
    static readonly (string Key, string Value, string Names)[] InvalidEntries =
    [
        ("Kafka:Properties:no.such.property", "1", "Kafka:Properties"),
        ("Kafka:Properties:security.protocol", "CARRIER_PIGEON", "Kafka:Properties"),
        ("LocalBroker:ExtraTopics:extra", "0", "LocalBroker:ExtraTopics:extra"),
        ("LocalBroker:ExtraTopics:extra", "abc", "LocalBroker:ExtraTopics:extra"),
    ];

    /// <summary>Settings with no invalid value, and why.</summary>
    static readonly Dictionary<string, string> AnyValue = new()
    {
        ["Trainer:Seed"] = "every int is a seed (\"abc\" is still refused)",
        ["Ingest:IncludeTest"] = "true or false (\"abc\" is refused)",
        ["Trainer:Rebase"] = "true or false (\"abc\" is refused)",
        ["Trainer:PrepareAhead"] = "true or false (\"abc\" is refused)",
        ["Scorer:ExcludeHeard"] = "true or false (\"abc\" is refused)",
        ["Scorer:ReplayHistory"] = "true or false (\"abc\" is refused)",
        ["Scorer:FallbackToPopular"] = "true or false (\"abc\" is refused)",
        ["Kafka:SaslUsername"] = "any name; the broker decides whether it knows it",
        ["Kafka:SaslPassword"] = "any secret; the broker decides",
        ["Kafka:SslKeyPassword"] = "any secret; checked when the key is loaded",
        ["Redis:ClientCertificatePassword"] = "any secret; checked when the certificate is loaded",
        ["LocalBroker:Debug"] = "checked by librdkafka when the broker starts: SettingsProcessTests",
    };

    static readonly Type[] SettingsTypes =
        [typeof(IngestSettings), typeof(TrainerSettings), typeof(ScorerSettings), typeof(HealthSettings), typeof(KafkaSettings), typeof(RedisSettings), typeof(LocalBrokerOptions)];

    static string SectionOf(Type t) => (string)(t.GetField("Section")?.GetValue(null) ?? t.GetProperty("Section", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!);

    static IEnumerable<(string Key, Type Type)> Settings() =>
        SettingsTypes.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => ($"{SectionOf(t)}:{p.Name}", p.PropertyType)));

    [Fact]
    public void EverySettingsClassOfTheServicesIsCovered()
    {
        // a new ISettings class in a service assembly must be added to SettingsTypes
        var found = new[] { typeof(IngestSettings), typeof(TrainerSettings), typeof(ScorerSettings), typeof(HealthSettings) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetTypes()).Where(t => typeof(ISettings).IsAssignableFrom(t) && !t.IsInterface);
        Assert.All(found, t => Assert.Contains(t, SettingsTypes));

        var missing = Settings().Select(s => s.Key).Where(k => !Invalid.ContainsKey(k) && !AnyValue.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "settings without invalid values to try: " + string.Join(", ", missing));
        var stale = Invalid.Keys.Concat(AnyValue.Keys).Except(Settings().Select(s => s.Key)).ToList();
        Assert.True(stale.Count == 0, "tried settings that do not exist: " + string.Join(", ", stale));
    }

    [Fact]
    public void TheServicesStartWithTheirDefaults()
    {
        foreach (var service in new[] { "Ingest", "Trainer", "Scorer", "LocalBroker" })
        {
            using var host = Build(service, []);
            Assert.Empty(ServiceRunner.StartupProblems(host.Services));
        }
    }

    [Fact]
    public void EveryInvalidValueStopsItsServiceWithAMessageNamingTheSetting()
    {
        var cases = new List<(string Service, string Key, string Value, string Names)>();
        foreach (var (key, type) in Settings())
        {
            var values = Invalid.GetValueOrDefault(key, []).ToList();
            var scalar = Nullable.GetUnderlyingType(type) ?? type;
            if (scalar.IsPrimitive || scalar.IsEnum || scalar == typeof(double)) values.Add("abc"); // unparseable
            foreach (var service in ServicesOf(key))
                foreach (var value in values) cases.Add((service, key, value, key));
        }
        foreach (var (key, value, names) in InvalidEntries)
            foreach (var service in ServicesOf(key)) cases.Add((service, key, value, names));

        foreach (var (service, key, value, names) in cases)
        {
            using var host = Build(service, ["--" + key, value]);
            var problems = ServiceRunner.StartupProblems(host.Services);
            Assert.True(problems.Any(p => p.Contains(names, StringComparison.Ordinal)),
                $"{service} with {key}='{value}': expected a message naming {names}, got: {(problems.Count == 0 ? "none (it would start)" : string.Join(" | ", problems))}");
        }
        output.WriteLine($"{cases.Count} invalid values tried through the hosts of Ingest, Trainer, Scorer and LocalBroker; each stopped its service naming the setting");
    }

    [Fact]
    public void AnUnknownSettingStopsTheServiceNamingIt()
    {
        using var host = Build("Trainer", ["--Trainer:BatchSise", "10"]);
        Assert.Contains(ServiceRunner.StartupProblems(host.Services), p => p.Contains("BatchSise") && p.Contains("unknown setting"));
        using var broker = Build("LocalBroker", ["--LocalBroker:Brokerz", "2"]);
        Assert.Contains(ServiceRunner.StartupProblems(broker.Services), p => p.Contains("Brokerz"));
    }

    [Fact]
    public void SeveralBadSectionsAreAllReported()
    {
        using var host = Build("Scorer", ["--Scorer:K", "0", "--Health:IntervalSeconds", "0", "--Kafka:BootstrapServers", "nowhere"]);
        var problems = ServiceRunner.StartupProblems(host.Services);
        Assert.Contains(problems, p => p.Contains("Scorer:K"));
        Assert.Contains(problems, p => p.Contains("Health:IntervalSeconds"));
        Assert.Contains(problems, p => p.Contains("Kafka:BootstrapServers"));
    }

    static IEnumerable<string> ServicesOf(string key) => key.Split(':')[0] switch
    {
        "Kafka" or "Health" => ["Ingest", "Trainer", "Scorer"],
        "Redis" => ["Scorer"],
        var section => [section],
    };

    IHost Build(string service, string[] args) => service switch
    {
        "Ingest" => IngestHost.Build(["--data", _dir.Path, .. args]),
        "Trainer" => TrainerHost.Build(args),
        "Scorer" => ScorerHost.Build(args),
        "LocalBroker" => LocalBrokerHost.Build(args),
        _ => throw new ArgumentException(service),
    };
}
