using KkboxNcf.Hosting;
using KkboxNcf.Trainer;
using Microsoft.Extensions.Hosting;

// ./kkbox trainer [--checkpoints DIR] [--batch-size N] [--batch-wait-ms MS] [--label-delay N] ... (TrainerHost.Switches; any Trainer:Key as --Trainer:Key V)
IHost host;
try
{
    host = TrainerHost.Build(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"trainer: {e.Message}");
    return 2;
}
return await host.RunServiceAsync("trainer");
