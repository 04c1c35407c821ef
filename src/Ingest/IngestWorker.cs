using KkboxNcf.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KkboxNcf.Ingest;

/// <summary>Runs one replay on its own thread, then stops the host; the exit code says how it went.</summary>
public sealed class IngestWorker(ListenReplay replay, IHostApplicationLifetime lifetime, ILogger<IngestWorker> log) : BackgroundService
{
    public const int ExitFailedDeliveries = 3;
    public const int ExitError = 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var summary = await Task.Factory.StartNew(() => replay.Run(stoppingToken), stoppingToken,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            log.LogInformation(
                "Replay {State}: {Sent:N0} listens, {Members:N0} members, {Songs:N0} songs, {Extras:N0} song extras sent; {Delivered:N0} of {Events:N0} events acknowledged, {Failed:N0} failed; " +
                "{Rejected:N0} rows rejected ({Rejects}); {Rate:N0} events/s over {Seconds:F1} s ({Paused:F1} s paused for lag)",
                summary.Completed ? "complete" : "stopped", summary.ListensSent, summary.MembersSent, summary.SongsSent,
                summary.SongExtrasSent, summary.Delivered, summary.EventsSent, summary.Failed, summary.RowsRejected, summary.RejectsPath,
                summary.EventsPerSecond, summary.Elapsed.TotalSeconds, summary.PausedForLag.TotalSeconds);
            Environment.ExitCode = summary.Failed > 0 ? ExitFailedDeliveries : 0;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (BrokerResetException e)
        {
            log.LogCritical("Replay stopped: {Message}", e.Message);
            Environment.ExitCode = BrokerResetException.ExitCode;
        }
        catch (Resume.ReplayMismatchException e)
        {
            log.LogCritical("Replay refused: {Message}", e.Message);
            Environment.ExitCode = ExitError;
        }
        catch (Exception e)
        {
            log.LogCritical(e, "Replay failed: {Message}", e.Message);
            Environment.ExitCode = ExitError;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
