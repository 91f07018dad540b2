using System.Collections.Concurrent;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Jobs;

/// <summary>
/// The embedded queue: <see cref="JobScheduler"/> in process, job records in <see cref="IJobStore"/>. Jobs run on the
/// workers, never on the request: a client that hangs up does not cancel its job.
/// </summary>
public sealed class EmbeddedJobQueue(JobScheduler scheduler, IJobStore jobs, StoreRouter stores) : IJobQueue
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ClusterJob>> _waiters = new();

    public async Task<JobAdmission> RequestAsync(string pollId, JobPriority priority, bool force, CancellationToken ct)
    {
        var admission = scheduler.Request(pollId, priority, force);
        if (admission.Job is { } job)
        {
            await jobs.SaveAsync(job, ct).ConfigureAwait(false);
            if (!admission.Joined)
            {
                await stores.For(pollId).JobQueuedAsync(job, ct).ConfigureAwait(false);
            }
        }

        return new JobAdmission(admission.Job, admission.Joined, admission.QueueFull);
    }

    public async Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct) =>
        await jobs.GetAsync(id, ct).ConfigureAwait(false) ?? scheduler.FindQueued(id);

    public async Task<ClusterJob?> WaitAsync(Guid id, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiters.GetOrAdd(id, _ => new TaskCompletionSource<ClusterJob>(TaskCreationOptions.RunContinuationsAsynchronously));
        var current = await GetAsync(id, ct).ConfigureAwait(false);
        if (current is null || current.IsFinished)
        {
            _waiters.TryRemove(id, out _);
            return current;
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return await GetAsync(id, ct).ConfigureAwait(false);
        }
    }

    public QueueSnapshot Status()
    {
        var s = scheduler.Status();
        return new QueueSnapshot(s.Queued, s.Running, s.Limit);
    }

    /// <summary>Called by the worker once a job's final record is saved.</summary>
    public void Finished(ClusterJob job)
    {
        if (_waiters.TryRemove(job.Id, out var waiter))
        {
            waiter.TrySetResult(job);
        }
    }
}
