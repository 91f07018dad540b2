using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;

namespace PolisClustering.Api.Jobs;

/// <summary>The worker pool: one loop per worker, each taking the next due job from the scheduler.</summary>
public sealed class ClusterWorkers(JobScheduler scheduler, JobProcessor processor, EmbeddedJobQueue jobs,
    JobThroughput throughput, IOptions<ClusteringOptions> options) : BackgroundService
{
    private int _alive;

    public int Count => options.Value.EffectiveWorkers;

    /// <summary>Worker loops currently running (readiness fails when none is).</summary>
    public int Alive => Volatile.Read(ref _alive);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Count).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _alive);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var job = await scheduler.TakeAsync(ct).ConfigureAwait(false);
                try
                {
                    var finished = await processor.RunAsync(job, ct).ConfigureAwait(false);
                    throughput.Record(finished);
                    jobs.Finished(finished);
                }
                finally
                {
                    scheduler.Complete(job);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutting down
        }
        finally
        {
            Interlocked.Decrement(ref _alive);
        }
    }
}
