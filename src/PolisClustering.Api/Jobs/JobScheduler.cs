using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;

namespace PolisClustering.Api.Jobs;

/// <summary>
/// The in-process job queue: per-poll coalescing (a request joins the poll's queued job; one during a run leaves
/// exactly one follow-up), debouncing (<see cref="DebounceWindow"/>), priorities (high, normal, low; earliest due first
/// within a level), a bounded length, and at most one running job per poll.
/// </summary>
public sealed class JobScheduler(IOptions<ClusteringOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PollSlot> _polls = new(StringComparer.Ordinal);

    // Ready jobs (poll not running) by level, ordered by due time then arrival.
    private readonly SortedSet<(DateTimeOffset Due, long Seq, Guid Id)>[] _ready =
        [new(), new(), new()];
    private readonly Dictionary<Guid, (ClusterJob Job, long Seq)> _queued = [];
    private readonly Dictionary<Guid, ClusterJob> _running = [];
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seq;

    private sealed class PollSlot
    {
        public Guid? Queued;
        public Guid? Running;
    }

    public sealed record Admission(ClusterJob? Job, bool Joined, bool QueueFull);

    public sealed record Snapshot(
        IReadOnlyList<ClusterJob> Queued, IReadOnlyList<ClusterJob> Running, int Limit);

    /// <summary>Queues a clustering of the poll, or joins the job already waiting for it.</summary>
    public Admission Request(string pollId, JobPriority priority, bool force)
    {
        var now = clock.GetUtcNow();
        var o = options.Value;
        lock (_gate)
        {
            var slot = _polls.TryGetValue(pollId, out var s) ? s : _polls[pollId] = new PollSlot();
            if (slot.Queued is { } queuedId)
            {
                var (old, seq) = _queued[queuedId];
                var joined = old with
                {
                    Requests = old.Requests + 1,
                    Priority = (JobPriority)Math.Max((int)old.Priority, (int)priority),
                    Force = old.Force || force,
                    NotBefore = DebounceWindow.DueAt(old.CreatedAt, now, o.DebounceWindow, o.MaxWait),
                };
                Replace(old, joined, seq, ready: slot.Running is null);
                return new Admission(joined, Joined: true, QueueFull: false);
            }

            if (_queued.Count >= o.QueueLimit)
            {
                if (slot.Running is null)
                {
                    _polls.Remove(pollId);
                }

                return new Admission(null, Joined: false, QueueFull: true);
            }

            var job = new ClusterJob
            {
                Id = Guid.CreateVersion7(now),
                PollId = pollId,
                Priority = priority,
                Force = force,
                CreatedAt = now,
                NotBefore = DebounceWindow.DueAt(now, now, o.DebounceWindow, o.MaxWait),
            };
            var order = ++_seq;
            _queued[job.Id] = (job, order);
            slot.Queued = job.Id;
            if (slot.Running is null)
            {
                _ready[(int)priority].Add((job.NotBefore, order, job.Id));
            }

            Signal();
            return new Admission(job, Joined: false, QueueFull: false);
        }
    }

    /// <summary>Waits for the next due job (highest priority first) and marks it running.</summary>
    public async Task<ClusterJob> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            Task wake;
            TimeSpan? wait;
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                DateTimeOffset? earliest = null;
                for (var level = _ready.Length - 1; level >= 0; level--)
                {
                    if (_ready[level].Count == 0)
                    {
                        continue;
                    }

                    var first = _ready[level].Min;
                    if (first.Due <= now)
                    {
                        _ready[level].Remove(first);
                        var job = _queued[first.Id].Job;
                        _queued.Remove(first.Id);
                        _running[job.Id] = job;
                        var slot = _polls[job.PollId];
                        slot.Queued = null;
                        slot.Running = job.Id;
                        return job;
                    }

                    earliest = earliest is null || first.Due < earliest ? first.Due : earliest;
                }

                wake = _signal.Task;
                wait = earliest - now;
            }

            if (wait is { } delay)
            {
                await Task.WhenAny(wake, Task.Delay(delay, clock, ct)).ConfigureAwait(false);
            }
            else
            {
                await wake.WaitAsync(ct).ConfigureAwait(false);
            }

            ct.ThrowIfCancellationRequested();
        }
    }

    /// <summary>The running job ended: its poll's follow-up, if any, becomes ready.</summary>
    public void Complete(ClusterJob job)
    {
        lock (_gate)
        {
            _running.Remove(job.Id);
            if (!_polls.TryGetValue(job.PollId, out var slot))
            {
                return;
            }

            slot.Running = null;
            if (slot.Queued is { } next)
            {
                var (followUp, seq) = _queued[next];
                _ready[(int)followUp.Priority].Add((followUp.NotBefore, seq, followUp.Id));
                Signal();
            }
            else
            {
                _polls.Remove(job.PollId);
            }
        }
    }

    public ClusterJob? FindQueued(Guid id)
    {
        lock (_gate)
        {
            return _queued.TryGetValue(id, out var q) ? q.Job : _running.GetValueOrDefault(id);
        }
    }

    public Snapshot Status()
    {
        lock (_gate)
        {
            return new Snapshot(
                [.. _queued.Values.OrderBy(q => q.Seq).Select(q => q.Job)],
                [.. _running.Values.OrderBy(j => j.StartedAt ?? j.CreatedAt)],
                options.Value.QueueLimit);
        }
    }

    private void Replace(ClusterJob old, ClusterJob updated, long seq, bool ready)
    {
        _queued[updated.Id] = (updated, seq);
        if (ready)
        {
            _ready[(int)old.Priority].Remove((old.NotBefore, seq, old.Id));
            _ready[(int)updated.Priority].Add((updated.NotBefore, seq, updated.Id));
            Signal();
        }
    }

    private void Signal()
    {
        var previous = _signal;
        _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }
}
