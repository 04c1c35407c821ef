using KkboxNcf.KafkaProbe;

// Usage: KkboxNcf.KafkaProbe consume BOOTSTRAP TOPIC GROUP MAX_MESSAGES IDLE_MS
// A consumer-group member in its own process, for the Kafka integration tests. Prints the lines
// described in GroupMember.Consume. Exit 0 on success, 2 on bad usage, 1 on a Kafka error.
if (args is not ["consume", var bootstrap, var topic, var group, var max, var idle]
    || !int.TryParse(max, out int maxMessages) || !int.TryParse(idle, out int idleMs))
{
    Console.Error.WriteLine("usage: KkboxNcf.KafkaProbe consume BOOTSTRAP TOPIC GROUP MAX_MESSAGES IDLE_MS");
    return 2;
}
try
{
    GroupMember.Consume(bootstrap, topic, group, maxMessages, TimeSpan.FromMilliseconds(idleMs), Console.WriteLine);
    return 0;
}
catch (Confluent.Kafka.KafkaException e)
{
    Console.Error.WriteLine($"kafka error: {e.Error}");
    return 1;
}
