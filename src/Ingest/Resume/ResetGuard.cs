using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KkboxNcf.Contracts;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Ingest.Resume;

/// <summary>
/// Notices a broker that lost the listens topic. A partition's high watermark never goes down on a
/// broker that keeps its data, so the guard remembers the highest it saw (in a small JSON file, per
/// bootstrap address, so it also holds across Ingest restarts) and throws BrokerResetException when
/// one is lower. Checked at start and every two seconds of a replay; an unreachable broker is logged
/// (once per outage, then its end) and the replay keeps retrying through librdkafka.
/// </summary>
public sealed class ResetGuard : IDisposable
{
    static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(2);
    readonly KafkaSettings _kafka;
    readonly string _path;
    readonly ILogger _log;
    readonly IConsumer<byte[], byte[]> _probe;
    readonly Stopwatch _sinceCheck = Stopwatch.StartNew();
    readonly Stopwatch _outage = new();
    Dictionary<int, long> _highest = new();
    int _partitions;
    volatile string? _clusterChanged;
    bool _saveFailed;

    public ResetGuard(KafkaSettings kafka, string path, ILogger log)
    {
        _kafka = kafka;
        _path = path;
        _log = log;
        var config = KafkaClientConfigs.Consumer(kafka, "kkbox-ingest-guard", "kkbox-ingest-guard");
        _probe = new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, m) => log.LogDebug("librdkafka: {Message}", m.Message)).Build();
    }

    public string ProgressPath => _path;

    /// <summary>
    /// Compares the topic with what an earlier run of Ingest saw on the same broker. With
    /// <paramref name="acceptReset"/> (an explicit --from-row: the operator chose where to start)
    /// the earlier record is replaced instead.
    /// </summary>
    public void CheckAtStart(bool acceptReset)
    {
        _partitions = TopicTail.PartitionCount(_kafka, Topics.Listens);
        var saved = Load();
        if (saved is not null && saved.Bootstrap == _kafka.BootstrapServers && !acceptReset)
        {
            // sticky until the operator chooses a start: a later run must not resume on what the reset left
            if (saved.ResetSeen is { } seen) throw Reset($"seen by an earlier run: {seen}", save: false);
            _highest = saved.High.ToDictionary(kv => int.Parse(kv.Key), kv => kv.Value);
        }
        else if (saved is not null && acceptReset)
        {
            if (saved.Bootstrap == _kafka.BootstrapServers && saved.ResetSeen is not null && Highs().Values.Sum() is var there and > 0)
                // what the replay running at the reset still delivered to the new broker: rows from the middle
                // of the stream, which a replay from --from-row would follow out of order (per partition)
                throw new BrokerResetException(
                    $"{Topics.Listens} on {_kafka.BootstrapServers} is not empty after the reset ({there:N0} listens the interrupted replay " +
                    "delivered after it): restart the broker once more so it is empty (a real cluster: delete and re-create the topic), then replay with --from-row");
            _log.LogInformation("--from-row given: replacing the earlier record of {Topic} in {Path}", Topics.Listens, _path);
        }
        Check(force: true);
    }

    /// <summary>
    /// For the producer's log handler: librdkafka logs (facility CLUSTERID) when the broker at the same
    /// address answers with another cluster id, which is how a restarted local broker shows itself.
    /// </summary>
    public void OnClientLog(LogMessage m)
    {
        if (m.Facility == "CLUSTERID") _clusterChanged = m.Message;
    }

    /// <summary>At most every 2 s: throws BrokerResetException when a partition's end went backwards or the cluster changed.</summary>
    public void Check(bool force = false)
    {
        if (_clusterChanged is { } changed) throw Reset($"librdkafka: {changed}");
        if (!force && _sinceCheck.ElapsedMilliseconds < 2000) return;
        _sinceCheck.Restart();
        Dictionary<int, long> now;
        try
        {
            now = Highs();
        }
        catch (KafkaException e)
        {
            if (!_outage.IsRunning)
            {
                _outage.Start();
                _log.LogWarning("Broker {Bootstrap} unreachable ({Reason}); librdkafka keeps retrying with back-off, the replay waits", _kafka.BootstrapServers, e.Error.Reason);
            }
            return;
        }
        if (_outage.IsRunning)
        {
            _log.LogWarning("Broker {Bootstrap} reachable again after {Seconds:F0} s", _kafka.BootstrapServers, _outage.Elapsed.TotalSeconds);
            _outage.Reset();
        }
        var behind = now.Where(kv => _highest.TryGetValue(kv.Key, out long seen) && kv.Value < seen).ToList();
        if (behind.Count > 0)
            throw Reset(string.Join(", ", behind.Select(kv => $"partition {kv.Key} ended at offset {_highest[kv.Key]:N0}, now at {kv.Value:N0}")));
        foreach (var (p, high) in now) _highest[p] = Math.Max(high, _highest.GetValueOrDefault(p));
        Save();
    }

    BrokerResetException Reset(string seen, bool save = true)
    {
        if (save) Save(seen);
        return new BrokerResetException(
            $"the broker at {_kafka.BootstrapServers} lost {Topics.Listens} ({seen}). A local broker restarts empty. " +
            "Recovery (README, Failure modes): replay again with an explicit --from-row (1 republishes everything; " +
            $"the Trainer's --rebase then skips what it already trained); {_path} holds what this guard saw");
    }

    Dictionary<int, long> Highs()
    {
        var now = new Dictionary<int, long>();
        for (int p = 0; p < _partitions; p++)
            now[p] = _probe.QueryWatermarkOffsets(new TopicPartition(Topics.Listens, p), QueryTimeout).High.Value;
        return now;
    }

    sealed record Record(string Bootstrap, string Topic, Dictionary<string, long> High, string? ResetSeen = null);

    Record? Load()
    {
        if (!File.Exists(_path)) return null;
        try { return JsonSerializer.Deserialize<Record>(File.ReadAllText(_path)); }
        catch (JsonException e)
        {
            _log.LogWarning("Ignoring {Path}: not a readable progress record ({Reason})", _path, e.Message);
            return null;
        }
    }

    void Save(string? resetSeen = null)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
            string tmp = _path + ".tmp";
            File.WriteAllText(tmp, JsonSerializer.Serialize(new Record(_kafka.BootstrapServers, Topics.Listens,
                _highest.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), resetSeen)));
            File.Move(tmp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the replay itself does not need the record; only the check across restarts is lost
            if (!_saveFailed) _log.LogWarning("Cannot write {Path} ({Reason}): a broker reset between two runs of Ingest will not be noticed (set --rejects to a writable folder)", _path, e.Message);
            _saveFailed = true;
        }
    }

    public void Dispose() => _probe.Dispose();
}
