using System.Collections.Concurrent;
using Dapr.Actors;
using Dapr.Actors.Client;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// Dapr mode's workers. The topic handler hands each delivered job to <see cref="AcceptAsync"/> and acknowledges at
/// once (long handlers get redelivered, dapr-notes §6 pitfall 3); a local priority queue feeds the worker loops, and
/// each job runs under its poll's lease, after a last look at its record, so a duplicate never runs twice.
/// </summary>
public sealed class DaprJobWorkers(JobProcessor processor, IJobStore jobs, PollLeases leases, IActorProxyFactory actors,
    JobThroughput throughput, IOptions<ClusteringOptions> options, IOptions<DaprComponentOptions> dapr, TimeProvider clock,
    ILogger<DaprJobWorkers> logger) : BackgroundService
{
    private const int MaxAttempts = 5;
    private const int RememberedJobs = 10_000;
    private readonly PriorityQueue<(ClusterJob Job, int Attempt), (int Level, long Seq)> _queue = new();
    private readonly ConcurrentDictionary<Guid, ClusterJob> _running = new();
    private readonly HashSet<Guid> _seen = [];
    private readonly Queue<Guid> _seenOrder = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly Lock _gate = new();
    private long _seq;

    public enum Outcome
    {
        Accepted,
        Duplicate,
        Busy,
    }

    /// <summary>Fires when a job run on this instance has its final record.</summary>
    public event Action<ClusterJob>? Finished;

    /// <summary>Takes a delivered job unless it is known already (same CloudEvent id = job id) or the queue is full.</summary>
    public async Task<(Outcome Outcome, string? Reason)> AcceptAsync(ClusterJobMessage message, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_seen.Contains(message.JobId))
            {
                return (Outcome.Duplicate, "this instance already took the job");
            }

            if (_queue.Count >= options.Value.QueueLimit)
            {
                return (Outcome.Busy, null);
            }
        }

        var stored = await jobs.GetAsync(message.JobId, ct).ConfigureAwait(false);
        if (stored is not null && stored.Status != JobStatus.Queued)
        {
            return (Outcome.Duplicate, $"the job is {stored.Status.ToString().ToLowerInvariant()} already");
        }

        lock (_gate)
        {
            if (!Remember(message.JobId))
            {
                return (Outcome.Duplicate, "this instance already took the job");
            }

            Enqueue(stored ?? message.ToJob(), attempt: 1);
            return (Outcome.Accepted, null);
        }
    }

    public QueueSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new QueueSnapshot(
                [.. _queue.UnorderedItems.OrderBy(i => i.Priority).Select(i => i.Element.Job)],
                [.. _running.Values.OrderBy(j => j.StartedAt ?? j.CreatedAt)],
                options.Value.QueueLimit);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.EffectiveWorkers).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await _ready.WaitAsync(ct).ConfigureAwait(false);
                (ClusterJob Job, int Attempt) next;
                lock (_gate)
                {
                    next = _queue.Dequeue();
                }

                try
                {
                    await RunUnderLeaseAsync(next.Job, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // The sidecar or the store failed around the run: try again later, never crash the loop.
                    var delay = TimeSpan.FromSeconds(Math.Pow(2, next.Attempt));
                    if (next.Attempt >= MaxAttempts)
                    {
                        DaprLog.WorkerGaveUp(logger, next.Job.Id, next.Job.PollId, next.Attempt);
                        continue;
                    }

                    DaprLog.WorkerError(logger, e, next.Job.Id, next.Job.PollId, next.Attempt, delay);
                    Later(next.Job, next.Attempt + 1, delay, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // shutting down; jobs still queued here are found again by the sweep
        }
    }

    private async Task RunUnderLeaseAsync(ClusterJob job, CancellationToken ct)
    {
        var lease = await leases.TryAcquireAsync(job.PollId, job.Id, ct).ConfigureAwait(false);
        if (!lease.Acquired)
        {
            if (lease.Current?.JobId == job.Id)
            {
                return; // the same job holds it: a duplicate delivery, running elsewhere
            }

            // Another job of the poll runs (or the lease was contended): wait for it rather than run beside it.
            var expires = lease.Current?.ExpiresAt ?? clock.GetUtcNow();
            DaprLog.LeaseHeld(logger, job.Id, job.PollId, lease.Current?.JobId ?? Guid.Empty, expires);
            var wait = expires - clock.GetUtcNow();
            Later(job, 1, wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > dapr.Value.RecheckInterval ? dapr.Value.RecheckInterval : wait, ct);
            return;
        }

        try
        {
            var current = await jobs.GetAsync(job.Id, ct).ConfigureAwait(false);
            if (current is not null && current.Status != JobStatus.Queued)
            {
                return; // ran (or was given up) before this copy got the lease
            }

            _running[job.Id] = current ?? job;
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var renewing = RenewAsync(job, renewal.Token);
            ClusterJob finished;
            try
            {
                finished = await processor.RunAsync(current ?? job, ct).ConfigureAwait(false);
            }
            finally
            {
                await renewal.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
                _running.TryRemove(job.Id, out _);
            }

            throughput.Record(finished);
            Finished?.Invoke(finished);
            await NotifyActorAsync(finished, ct).ConfigureAwait(false);
        }
        finally
        {
            await leases.ReleaseAsync(job.PollId, job.Id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task RenewAsync(ClusterJob job, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(dapr.Value.LeaseDuration / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                if (!await leases.RenewAsync(job.PollId, job.Id, ct).ConfigureAwait(false))
                {
                    DaprLog.LeaseLost(logger, null, job.PollId, job.Id);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the job ended
        }
        catch (Exception e)
        {
            DaprLog.LeaseLost(logger, e, job.PollId, job.Id); // the run goes on; the actor's lost-job check may step in
        }
    }

    private async Task NotifyActorAsync(ClusterJob finished, CancellationToken ct)
    {
        try
        {
            await actors.Create(new ActorId(finished.PollId), PollDebounceActor.TypeName)
                .InvokeMethodAsync(nameof(IPollDebounceActor.JobFinishedAsync), finished.Id, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            DaprLog.FinishNotFiled(logger, e, finished.PollId, finished.Id);
        }
    }

    private void Later(ClusterJob job, int attempt, TimeSpan delay, CancellationToken ct) =>
        _ = Task.Delay(delay, clock, ct).ContinueWith(_ =>
        {
            lock (_gate)
            {
                Enqueue(job, attempt);
            }
        }, ct, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private void Enqueue(ClusterJob job, int attempt)
    {
        _queue.Enqueue((job, attempt), (-(int)job.Priority, ++_seq));
        _ready.Release();
    }

    private bool Remember(Guid id)
    {
        if (!_seen.Add(id))
        {
            return false;
        }

        _seenOrder.Enqueue(id);
        while (_seenOrder.Count > RememberedJobs)
        {
            _seen.Remove(_seenOrder.Dequeue());
        }

        return true;
    }

    public override void Dispose()
    {
        _ready.Dispose();
        base.Dispose();
    }
}
