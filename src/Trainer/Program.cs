using KkboxNcf.Hosting;
using KkboxNcf.Trainer;
using KkboxNcf.Trainer.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// ./kkbox trainer [--checkpoints DIR] [--batch-size N] [--batch-wait-ms MS] [--label-delay N] ... (any Trainer:Key as --Trainer:Key V)
var switches = new Dictionary<string, string>
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
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
try
{
    builder.Configuration.AddSwitches(args, switches, flags: new HashSet<string> { "rebase" });
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"trainer: {e.Message}");
    return 2;
}
builder.AddKkboxDefaults();
builder.Services.AddSettings<TrainerSettings>(builder.Configuration);
// the final checkpoint of a large model takes seconds: give a graceful stop time to write it
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
builder.Services.AddSingleton<StreamLoop>();
builder.Services.AddHostedService<TrainerWorker>();
return await builder.Build().RunServiceAsync("trainer");
