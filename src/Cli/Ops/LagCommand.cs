using System.Diagnostics;
using KkboxNcf.Contracts;
using KkboxNcf.Ingest;
using Microsoft.Extensions.Logging.Abstractions;

namespace KkboxNcf.Cli.Ops;

/// <summary>
/// `kkbox lag --group G [--until-zero] [--timeout 600]`: how many listens the consumer group has not
/// yet committed (the Trainer commits after each durable checkpoint). With --until-zero, waits until
/// the group has committed everything on the topic; exit 1 on timeout. The demo uses it to know the
/// replay is trained.
/// </summary>
public sealed class LagCommand : ICommand
{
    public string[] Words => ["lag"];
    public string Usage => "lag --group G [--until-zero] [--timeout SECONDS]";

    public Task<int> RunAsync(Args args, CancellationToken ct)
    {
        string group = args.Required("group");
        bool untilZero = args.Has("until-zero");
        double timeout = args.Double("timeout", 600);
        args.RejectUnknown();
        var kafka = new KafkaSettings
        {
            BootstrapServers = Environment.GetEnvironmentVariable("Kafka__BootstrapServers") is { Length: > 0 } b ? b : KafkaSettings.DefaultBootstrap,
        };
        LagGate gate;
        try { gate = new LagGate(kafka, group, maxLag: long.MaxValue, NullLogger.Instance); }
        catch (Confluent.Kafka.KafkaException e)
        {
            Console.Error.WriteLine($"error: kkbox lag: cannot read {Topics.Listens} at {kafka.BootstrapServers}: {e.Error.Reason} (is the broker up? ./kkbox infra status)");
            return Task.FromResult(1);
        }
        using var _ = gate;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            long lag = gate.Lag();
            if (!untilZero) { Console.WriteLine(lag); return Task.FromResult(0); }
            if (lag == 0) return Task.FromResult(0);
            if (clock.Elapsed.TotalSeconds > timeout)
            {
                Console.Error.WriteLine($"group {group} still has {lag:N0} listens uncommitted after {timeout:F0} s");
                return Task.FromResult(1);
            }
            ct.WaitHandle.WaitOne(500);
            ct.ThrowIfCancellationRequested();
        }
    }
}
