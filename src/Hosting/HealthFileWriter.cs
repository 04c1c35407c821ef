using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Hosting;

/// <summary>Touches Health:File while the service is healthy, and removes it when the service stops.</summary>
public sealed class HealthFileWriter(HealthSettings settings, ServiceHealth health, ILogger<HealthFileWriter> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.File is null) return;
        string path = settings.File;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.IntervalSeconds));
            do
            {
                if (health.IsHealthy)
                    await File.WriteAllTextAsync(path, $"healthy {DateTimeOffset.UtcNow:O}\n", CancellationToken.None);
                else
                    log.LogWarning("Unhealthy, not refreshing {HealthFile}: {Problem}", path, health.Problem);
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            File.Delete(path);
        }
    }
}
