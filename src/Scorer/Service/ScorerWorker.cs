using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Scorer.Service;

/// <summary>Runs the scoring loop on its own thread; a failure stops the service with exit code 1.</summary>
public sealed class ScorerWorker(ScoringLoop loop, IHostApplicationLifetime lifetime, ILogger<ScorerWorker> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() =>
        {
            try
            {
                loop.Run(stoppingToken);
            }
            catch (Exception e)
            {
                log.LogCritical("Scorer stopped: {Reason}", e.Message);
                log.LogDebug(e, "Scorer failure");
                Environment.ExitCode = 1;
                lifetime.StopApplication();
            }
        }, stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
