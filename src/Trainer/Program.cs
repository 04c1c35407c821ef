using KkboxNcf.Hosting;
using KkboxNcf.Trainer;

// ./kkbox trainer [--checkpoints DIR] [--batch-size N] [--batch-wait-ms MS] [--label-delay N] ... (TrainerHost.Switches; any Trainer:Key as --Trainer:Key V)
return await ServiceRunner.BuildAndRunAsync("trainer", () => TrainerHost.Build(args));
