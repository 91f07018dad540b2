using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Telemetry;

namespace PolisClustering.Api.Jobs;

/// <summary>
/// At start-up and on a timer, queues every poll with a pending marker or votes newer than its last result, so a lost
/// trigger call is never a lost update.
/// </summary>
public sealed class PollSweeper(StoreRouter stores, IJobQueue jobs, IOptions<ClusteringOptions> options,
    TimeProvider clock, ILogger<PollSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SweepInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            if (interval <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        try
        {
            var polls = await stores.Primary.FindPollsNeedingClusteringAsync(ct).ConfigureAwait(false);
            var queued = 0;
            foreach (var poll in polls)
            {
                var admission = await jobs.RequestAsync(poll, JobPriority.Low, force: false, ct).ConfigureAwait(false);
                queued += admission.Job is not null && !admission.Joined ? 1 : 0;
            }

            if (queued > 0)
            {
                Log.SweepQueued(logger, queued);
            }

            return queued;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.SweepFailed(logger, e);
            return 0;
        }
    }
}
