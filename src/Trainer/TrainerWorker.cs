using KkboxNcf.Contracts;
using KkboxNcf.Trainer.Streaming;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Trainer;

/// <summary>Runs the stream loop on its own thread (TorchSharp dispose scopes are per thread), then stops the host.</summary>
public sealed class TrainerWorker(StreamLoop loop, IHostApplicationLifetime lifetime, ILogger<TrainerWorker> log) : BackgroundService
{
    public const int ExitError = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Factory.StartNew(() => loop.Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (BrokerResetException e)
        {
            log.LogCritical("Trainer stopped: {Message}", e.Message);
            Environment.ExitCode = BrokerResetException.ExitCode;
        }
        catch (Exception e)
        {
            log.LogCritical(e, "Trainer failed: {Message}", e.Message);
            Environment.ExitCode = ExitError;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
