namespace KkboxNcf.Tests.Kafka;

/// <summary>A message as a group member reported it ("msg\tPARTITION\tOFFSET\tKEY\tVALUE").</summary>
public sealed record ConsumedMessage(int Partition, long Offset, string Key, string Value)
{
    public static IReadOnlyList<ConsumedMessage> Parse(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith("msg\t", StringComparison.Ordinal))
            .Select(l => l.Split('\t'))
            .Select(f => new ConsumedMessage(int.Parse(f[1]), long.Parse(f[2]), f[3], f[4]))
            .ToList();

    /// <summary>Values are "KEY:SEQ"; SEQ counts up per key in produce order.</summary>
    public int Sequence => int.Parse(Value[(Value.LastIndexOf(':') + 1)..]);
}
