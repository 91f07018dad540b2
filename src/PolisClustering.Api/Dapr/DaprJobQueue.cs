using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// <see cref="IJobQueue"/> in Dapr mode: requests go to the poll's <see cref="PollDebounceActor"/> (through the
/// sidecar), job records come from the state store, and the status is what this instance's workers hold.
/// </summary>
public sealed class DaprJobQueue : IJobQueue
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private readonly IActorProxyFactory _actors;
    private readonly IJobStore _jobs;
    private readonly StoreRouter _stores;
    private readonly DaprJobWorkers _workers;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ClusterJob>> _waiters = new();

    public DaprJobQueue(IActorProxyFactory actors, IJobStore jobs, StoreRouter stores, DaprJobWorkers workers, TimeProvider clock)
    {
        _actors = actors;
        _jobs = jobs;
        _stores = stores;
        _workers = workers;
        _clock = clock;
        workers.Finished += job =>
        {
            if (_waiters.TryRemove(job.Id, out var waiter))
            {
                waiter.TrySetResult(job);
            }
        };
    }

    public async Task<JobAdmission> RequestAsync(string pollId, JobPriority priority, bool force, CancellationToken ct)
    {
        var admission = await _actors.Create(new ActorId(pollId), PollDebounceActor.TypeName)
            .InvokeMethodAsync<DebounceRequest, DebounceAdmission>(nameof(IPollDebounceActor.RequestAsync), new DebounceRequest(priority, force), ct)
            .ConfigureAwait(false);
        if (!admission.Joined)
        {
            await _stores.For(pollId).JobQueuedAsync(admission.Job, ct).ConfigureAwait(false);
        }

        // The broker is the queue: there is no local limit to refuse at (the handler answers RETRY instead).
        return new JobAdmission(admission.Job, admission.Joined, QueueFull: false);
    }

    public Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct) => _jobs.GetAsync(id, ct);

    /// <summary>Woken by this instance's workers; a job running on another instance is seen by polling its record.</summary>
    public async Task<ClusterJob?> WaitAsync(Guid id, TimeSpan timeout, CancellationToken ct)
    {
        var waiter = _waiters.GetOrAdd(id, _ => new TaskCompletionSource<ClusterJob>(TaskCreationOptions.RunContinuationsAsynchronously));
        var deadline = _clock.GetUtcNow() + timeout;
        try
        {
            while (true)
            {
                var current = await GetAsync(id, ct).ConfigureAwait(false);
                var left = deadline - _clock.GetUtcNow();
                if (current is null || current.IsFinished || left <= TimeSpan.Zero)
                {
                    return current;
                }

                await Task.WhenAny(waiter.Task, Task.Delay(left < PollInterval ? left : PollInterval, _clock, ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _waiters.TryRemove(id, out _);
        }
    }

    public QueueSnapshot Status() => _workers.Snapshot();
}
