using KkboxNcf.Hosting;
using KkboxNcf.Trainer.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KkboxNcf.Trainer;

/// <summary>The Trainer service's host, as Program runs it and as the configuration tests build it.</summary>
public static class TrainerHost
{
    /// <summary>Command-line options and the settings they set; any Trainer:Key is also accepted as --Trainer:Key V.</summary>
    public static readonly IReadOnlyDictionary<string, string> Switches = new Dictionary<string, string>
    {
        ["bootstrap"] = "Kafka:BootstrapServers",
        ["listens-topic"] = "Trainer:ListensTopic",
        ["group"] = "Trainer:GroupId",
        ["batch-size"] = "Trainer:BatchSize",
        ["batch-wait-ms"] = "Trainer:BatchMaxWaitMs",
        ["model"] = "Trainer:Model",
        ["n-dim"] = "Trainer:NDim",
        ["seed"] = "Trainer:Seed",
        ["lr"] = "Trainer:LearningRate",
        ["step-batch"] = "Trainer:StepBatchSize",
        ["passes"] = "Trainer:Passes",
        ["torch-threads"] = "Trainer:TorchThreads",
        ["prepare-ahead"] = "Trainer:PrepareAhead",
        ["label-delay"] = "Trainer:LabelDelay",
        ["max-users"] = "Trainer:MaxUsers",
        ["max-songs"] = "Trainer:MaxSongs",
        ["metrics-window"] = "Trainer:MetricsWindow",
        ["metrics-every"] = "Trainer:MetricsEveryEvents",
        ["metrics-file"] = "Trainer:MetricsFile",
        ["checkpoints"] = "Trainer:CheckpointDirectory",
        ["checkpoint-every"] = "Trainer:CheckpointEveryEvents",
        ["checkpoint-seconds"] = "Trainer:CheckpointEverySeconds",
        ["keep"] = "Trainer:KeepCheckpoints",
        ["warm-start"] = "Trainer:WarmStart",
        ["stop-after"] = "Trainer:StopAfterEvents",
        ["health-file"] = "Health:File",
        ["rebase"] = "Trainer:Rebase",
    };

    /// <summary>Switches that take no value (present = true).</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "rebase" };

    /// <summary>Builds the host from the command line (and the environment); a bad option throws ArgumentException.</summary>
    public static IHost Build(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Configuration.AddSwitches(args, Switches, flags: Flags);
        builder.AddKkboxDefaults();
        builder.Services.AddSettings<TrainerSettings>(builder.Configuration);
        // the final checkpoint of a large model takes seconds: give a graceful stop time to write it
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddSingleton<StreamLoop>();
        builder.Services.AddHostedService<TrainerWorker>();
        return builder.Build();
    }
}
