namespace KkboxNcf.Cli;

/// <summary>A subcommand of the tool: "data synth", "bench parse", ...</summary>
public interface ICommand
{
    /// <summary>Words that select the command, e.g. ["data", "synth"].</summary>
    string[] Words { get; }
    string Usage { get; }
    Task<int> RunAsync(Args args, CancellationToken ct);
}

public static class CommandLine
{
    /// <summary>Every command of the tool. Add a line here for a new one.</summary>
    static readonly ICommand[] Commands =
    [
        new Bench.BenchCommand(),
        new DataCommands.SynthCommand(),
        new DataCommands.CheckCommand(),
        new DataCommands.StatsCommand(),
        new Ops.LagCommand(),
        new Offline.OfflineCommand(),
        new Serving.RecsCommand(),
        new Serving.ServingCommand(),
        new Report.ReportCommand(),
    ];

    public static async Task<int> RunAsync(string[] argv)
    {
        var command = Commands
            .Where(c => c.Words.Length <= argv.Length && c.Words.SequenceEqual(argv.Take(c.Words.Length)))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (command is null)
        {
            PrintUsage();
            return 2;
        }
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        try
        {
            var args = Args.Parse(argv.Skip(command.Words.Length));
            return await command.RunAsync(args, cts.Token);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine($"usage: kkbox {command.Usage}");
            return 2;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("KKBOX_DEBUG") != "1")
        {
            // An unreachable broker or Redis, an unreadable file: one line that says what, not a stack
            // trace (KKBOX_DEBUG=1 shows the stack).
            Console.Error.WriteLine($"error: kkbox {string.Join(' ', command.Words)}: {e.Message} ({e.GetType().Name})");
            return 1;
        }
    }

    static void PrintUsage()
    {
        Console.Error.WriteLine("usage:");
        foreach (var c in Commands) Console.Error.WriteLine($"  kkbox {c.Usage}");
    }
}

public sealed class UsageException(string message) : Exception(message);
