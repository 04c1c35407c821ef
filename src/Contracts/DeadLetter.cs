using System.Text;
using Confluent.Kafka;

namespace KkboxNcf.Contracts;

/// <summary>
/// A message nobody could decode, kept on the dead-letter topic with its original key and bytes
/// unchanged; the headers say where it came from and why it was rejected.
/// </summary>
public static class DeadLetter
{
    public const string ReasonHeader = "kkbox-reason";
    public const string TopicHeader = "kkbox-source-topic";
    public const string PartitionHeader = "kkbox-source-partition";
    public const string OffsetHeader = "kkbox-source-offset";
    public const string ServiceHeader = "kkbox-service";

    public static Message<byte[]?, byte[]?> From(ConsumeResult<byte[]?, byte[]?> source, string reason, string service) => new()
    {
        Key = source.Message.Key,
        Value = source.Message.Value,
        Headers = new Headers
        {
            { ReasonHeader, Encoding.UTF8.GetBytes(reason) },
            { TopicHeader, Encoding.UTF8.GetBytes(source.Topic) },
            { PartitionHeader, Encoding.UTF8.GetBytes(source.Partition.Value.ToString()) },
            { OffsetHeader, Encoding.UTF8.GetBytes(source.Offset.Value.ToString()) },
            { ServiceHeader, Encoding.UTF8.GetBytes(service) },
        },
    };

    public static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
