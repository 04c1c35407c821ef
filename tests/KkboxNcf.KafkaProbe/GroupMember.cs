using System.Diagnostics;
using Confluent.Kafka;
using KkboxNcf.Contracts;

namespace KkboxNcf.KafkaProbe;

/// <summary>One consumer-group member with the project's consumer settings, run by the tests and by the probe process.</summary>
public static class GroupMember
{
    /// <summary>
    /// Joins <paramref name="group"/> and "processes" messages by emitting them, storing each offset only
    /// after emitting it; stops after <paramref name="maxMessages"/> or when nothing arrived for
    /// <paramref name="idle"/> while holding partitions; commits the stored offsets synchronously and
    /// leaves, so the group resumes exactly after the last emitted message.
    /// Emits "assigned\tP,P,..." on each assignment, "msg\tPARTITION\tOFFSET\tKEY\tVALUE" per message,
    /// and "done\tCOUNT" at the end. Returns the number of messages processed.
    /// </summary>
    public static int Consume(string bootstrap, string topic, string group, int maxMessages, TimeSpan idle, Action<string> emit)
    {
        var config = KafkaClientConfigs.Consumer(new KafkaSettings { BootstrapServers = bootstrap }, group, $"probe-{Environment.ProcessId}");
        using var consumer = new ConsumerBuilder<string, string>(config)
            .SetPartitionsAssignedHandler((_, partitions) =>
                emit($"assigned\t{string.Join(",", partitions.Select(p => p.Partition.Value))}"))
            .Build();
        consumer.Subscribe(topic);
        int count = 0;
        var sinceLast = Stopwatch.StartNew();
        while (count < maxMessages)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                // Idle time counts only while the group gives us partitions: joining takes a moment.
                if (consumer.Assignment.Count == 0) sinceLast.Restart();
                else if (sinceLast.Elapsed > idle) break;
                continue;
            }
            emit($"msg\t{result.Partition.Value}\t{result.Offset.Value}\t{result.Message.Key}\t{result.Message.Value}");
            consumer.StoreOffset(result);
            count++;
            sinceLast.Restart();
        }
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last background auto-commit: everything processed is committed.
        }
        consumer.Close();
        emit($"done\t{count}");
        return count;
    }
}
