namespace KkboxNcf.Faults;

/// <summary>
/// The whole pipeline on private ports for one fault run: a local broker at a fixed address (so it can
/// be restarted where the services expect it), a redis-server without persistence, and Ingest, Trainer
/// and Scorer as separate processes with the arguments a deployment would give them. Every start of a
/// service appends to its log under Work/logs.
/// </summary>
public sealed class Pipeline : IDisposable
{
    public Pipeline(string dataDirectory, string work, long listens)
    {
        DataDirectory = dataDirectory;
        Work = work;
        Listens = listens;
        Broker = new BrokerServer($"127.0.0.1:{Built.FreePort()}", LogOf("broker"));
        Redis = new RedisServer(Built.FreePort(), LogOf("redis"));
        HttpUrl = $"http://127.0.0.1:{Built.FreePort()}";
    }

    public string DataDirectory { get; }
    public string Work { get; }
    public long Listens { get; }
    public BrokerServer Broker { get; }
    public RedisServer Redis { get; }
    public string HttpUrl { get; }
    public string KeyPrefix => "faults";
    public string Checkpoints => Path.Combine(Work, "checkpoints");
    public string ScorerHealthFile => Path.Combine(Work, "scorer.health");
    public string TrainerHealthFile => Path.Combine(Work, "trainer.health");

    /// <summary>Trainer checkpoints go here; a test may point it at a small tmpfs.</summary>
    public string? CheckpointsOverride { get; set; }

    public string LogOf(string service) => Path.Combine(Work, "logs", service + ".log");

    public string ReadLog(string service)
    {
        using var stream = new FileStream(LogOf(service), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    IReadOnlyDictionary<string, string> Env => new Dictionary<string, string>
    {
        ["Kafka__BootstrapServers"] = Broker.Bootstrap,
        ["Redis__Configuration"] = Redis.Configuration,
        ["Logging__Console__FormatterName"] = "simple",
    };

    /// <summary>Ingest as restarted after a crash: no --from-row, so it resumes from what the topics hold.</summary>
    public ServiceProcess StartIngest(double rate, long? fromRow = null) =>
        ServiceProcess.StartService("Ingest", LogOf("ingest"),
            ["--data", DataDirectory, "--rate", $"{rate}", "--rejects", Path.Combine(Work, "ingest", "rejects.jsonl"),
             .. fromRow is { } r ? new[] { "--from-row", $"{r}" } : []], Env);

    public ServiceProcess StartTrainer(bool rebase = false, long checkpointEvery = 500) =>
        ServiceProcess.StartService("Trainer", LogOf("trainer"),
            ["--checkpoints", CheckpointsOverride ?? Checkpoints, "--group", "faults-trainer", "--batch-size", "200", "--batch-wait-ms", "200",
             "--checkpoint-every", $"{checkpointEvery}", "--checkpoint-seconds", "2", "--keep", "3", "--n-dim", "8", "--step-batch", "64",
             "--metrics-every", "1000", "--metrics-window", "1000", "--stop-after", $"{Listens}", "--health-file", TrainerHealthFile,
             "--Health:IntervalSeconds", "1", .. rebase ? new[] { "--rebase" } : []], Env);

    public ServiceProcess StartScorer() =>
        ServiceProcess.StartService("Scorer", LogOf("scorer"),
            ["--key-prefix", KeyPrefix, "--group", "faults-scorer", "--k", "10", "--candidates", "20", "--http", HttpUrl,
             "--health-file", ScorerHealthFile, "--Health:IntervalSeconds", "1", "--Scorer:FreshBatchMs", "100", "--Scorer:MetricsEverySeconds", "5"], Env);

    public void Dispose()
    {
        Broker.Dispose();
        Redis.Dispose();
    }
}
