using System.Text;
using Dapr.Actors.Runtime;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// The Dapr mode's per-poll scheduler. Requests inside a window join one queued job (the decision is
/// <see cref="DebounceWindow"/>, shared with the embedded mode); a one-shot reminder, re-registered on each request,
/// publishes it when due. Reminders, not timers, so a window survives a restart (dapr-notes §3.3). Like
/// <see cref="JobScheduler"/>, a request while a job runs leaves exactly one follow-up, published once the running job
/// has finished. Actors are not a mutex (§0.3): the workers' poll lease is what keeps runs apart.
/// </summary>
public sealed class PollDebounceActor : Actor, IPollDebounceActor, IRemindable
{
    public const string TypeName = nameof(PollDebounceActor);
    public const string FlushReminder = "flush";
    public const string StateKey = "poll";
    private static readonly TimeSpan OneShot = TimeSpan.FromMilliseconds(-1);
    private static readonly TimeSpan PublishRetry = TimeSpan.FromSeconds(5);

    // The reminder service and this process may disagree on the time a little.
    private static readonly TimeSpan ClockSlack = TimeSpan.FromSeconds(1);

    private readonly DaprJobPublisher _publisher;
    private readonly IJobStore _jobs;
    private readonly PollLeases _leases;
    private readonly ClusteringOptions _options;
    private readonly DaprComponentOptions _dapr;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    public PollDebounceActor(ActorHost host, DaprJobPublisher publisher, IJobStore jobs, PollLeases leases,
        IOptions<ClusteringOptions> options, IOptions<DaprComponentOptions> dapr, TimeProvider clock,
        IActorStateManager? stateManager = null)
        : base(host)
    {
        _publisher = publisher;
        _jobs = jobs;
        _leases = leases;
        _options = options.Value;
        _dapr = dapr.Value;
        _clock = clock;
        _logger = host.LoggerFactory.CreateLogger<PollDebounceActor>();
        if (stateManager is not null)
        {
            StateManager = stateManager; // tests (dapr-notes §5.1)
        }
    }

    private string PollId => Id.GetId();

    public async Task<DebounceAdmission> RequestAsync(DebounceRequest request, CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        var state = await LoadAsync(ct).ConfigureAwait(false);
        var joined = state.Queued is not null;
        var job = state.Queued is { } queued
            ? queued with
            {
                Requests = queued.Requests + 1,
                Priority = (JobPriority)Math.Max((int)queued.Priority, (int)request.Priority),
                Force = queued.Force || request.Force,
                NotBefore = DebounceWindow.DueAt(queued.CreatedAt, now, _options.DebounceWindow, _options.MaxWait),
            }
            : new ClusterJob
            {
                Id = Guid.CreateVersion7(now),
                PollId = PollId,
                Priority = request.Priority,
                Force = request.Force,
                CreatedAt = now,
                NotBefore = DebounceWindow.DueAt(now, now, _options.DebounceWindow, _options.MaxWait),
            };
        job = await _jobs.SaveAsync(job, ct).ConfigureAwait(false);
        await SaveAsync(state with { Queued = job }, ct).ConfigureAwait(false);
        await ArmAsync(job.Id, job.NotBefore - now).ConfigureAwait(false); // same name: replaces the earlier one
        return new DebounceAdmission(job, joined);
    }

    public async Task JobFinishedAsync(Guid jobId, CancellationToken ct)
    {
        var state = await LoadAsync(ct).ConfigureAwait(false);
        if (state.Running != jobId)
        {
            return;
        }

        await SaveAsync(state with { Running = null, RunningSince = null }, ct).ConfigureAwait(false);
        if (state.Queued is { } followUp)
        {
            await ArmAsync(followUp.Id, followUp.NotBefore - _clock.GetUtcNow()).ConfigureAwait(false);
        }
    }

    public async Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        var ct = CancellationToken.None; // the runtime passes none to reminders
        var current = await LoadAsync(ct).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        if (reminderName != FlushReminder || current.Queued is not { } queued || Encoding.UTF8.GetString(state) != queued.Id.ToString())
        {
            DaprLog.ReminderIgnored(_logger, PollId, "stale: it names no queued job (already published, or replaced)");
            return;
        }

        if (now + ClockSlack < queued.NotBefore)
        {
            DaprLog.ReminderIgnored(_logger, PollId, "early: the window was extended");
            await ArmAsync(queued.Id, queued.NotBefore - now).ConfigureAwait(false);
            return;
        }

        if (current.Running is { } running)
        {
            if (!await RunningIsOverAsync(running, current.RunningSince ?? now, now, ct).ConfigureAwait(false))
            {
                await ArmAsync(queued.Id, _dapr.RecheckInterval).ConfigureAwait(false); // JobFinished usually comes first
                return;
            }

            current = current with { Running = null, RunningSince = null };
        }

        string topic;
        try
        {
            topic = await _publisher.PublishAsync(queued, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A reminder that throws is not retried by the sidecar (dapr-notes §3.3): re-arm it instead.
            DaprLog.PublishFailed(_logger, e, queued.Id, PollId, PublishRetry);
            await SaveAsync(current, ct).ConfigureAwait(false);
            await ArmAsync(queued.Id, PublishRetry).ConfigureAwait(false);
            return;
        }

        await SaveAsync(new PollDebounceState(null, queued.Id, now), ct).ConfigureAwait(false);
        DaprLog.JobPublished(_logger, queued.Id, PollId, topic, queued.Requests);
    }

    /// <summary>The published job finished, or was lost: its record says so, or it never took a lease in time.</summary>
    private async Task<bool> RunningIsOverAsync(Guid running, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var record = await _jobs.GetAsync(running, ct).ConfigureAwait(false);
        if (record is null || record.IsFinished)
        {
            return true;
        }

        if (now - since < _dapr.LeaseDuration || (await _leases.ReadAsync(PollId, ct).ConfigureAwait(false))?.JobId == running)
        {
            return false;
        }

        DaprLog.JobLost(_logger, running, PollId, (now - since).TotalSeconds);
        await _jobs.SaveAsync(record with
        {
            Status = JobStatus.Failed,
            Stage = "failed",
            FinishedAt = now,
            Error = "lost: no worker held the poll's lease for it; a follow-up job took over",
        }, ct).ConfigureAwait(false);
        return true;
    }

    private Task<IActorReminder> ArmAsync(Guid jobId, TimeSpan due) =>
        RegisterReminderAsync(FlushReminder, Encoding.UTF8.GetBytes(jobId.ToString()), due < TimeSpan.Zero ? TimeSpan.Zero : due, OneShot);

    private async Task<PollDebounceState> LoadAsync(CancellationToken ct)
    {
        var stored = await StateManager.TryGetStateAsync<PollDebounceState>(StateKey, ct).ConfigureAwait(false);
        return stored.HasValue ? stored.Value : new PollDebounceState(null, null, null);
    }

    private Task SaveAsync(PollDebounceState state, CancellationToken ct) => StateManager.SetStateAsync(StateKey, state, ct);
}
