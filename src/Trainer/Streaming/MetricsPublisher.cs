using System.Text;
using Confluent.Kafka;
using KkboxNcf.Trainer.Metrics;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer.Streaming;

/// <summary>Appends metrics to the JSON-lines file (flushed per line) and sends them, as the same JSON, to the metrics topic (key "trainer").</summary>
public sealed class MetricsPublisher : IDisposable
{
    static readonly byte[] Key = "trainer"u8.ToArray();
    readonly StreamWriter _file;
    readonly IProducer<byte[]?, byte[]?> _producer;
    readonly string _topic;
    readonly ILogger _log;

    public MetricsPublisher(string path, IProducer<byte[]?, byte[]?> producer, string topic, ILogger log)
    {
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _file = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
        _producer = producer;
        _topic = topic;
        _log = log;
        Path = path;
    }

    public string Path { get; }

    public void Publish(MetricsSnapshot snapshot)
    {
        string json = snapshot.ToJson();
        _file.WriteLine(json);
        _file.Flush();
        _producer.Produce(_topic, new Message<byte[]?, byte[]?> { Key = Key, Value = Encoding.UTF8.GetBytes(json) }, r =>
        {
            if (r.Error.IsError) _log.LogWarning("Metrics at position {Position} not delivered: {Reason}", snapshot.Position, r.Error.Reason);
        });
    }

    public void Dispose() => _file.Dispose();
}
