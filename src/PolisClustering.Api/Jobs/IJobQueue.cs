namespace PolisClustering.Api.Jobs;

/// <summary>
/// How requests become jobs, and what the queue holds: in process by default (<see cref="EmbeddedJobQueue"/>), or
/// per-poll actors and a pub/sub topic in Dapr mode. The endpoints and the sweeper only see this.
/// </summary>
public interface IJobQueue
{
    /// <summary>Queues a clustering of the poll, joins the job already waiting for it, or refuses (queue full).</summary>
    Task<JobAdmission> RequestAsync(string pollId, JobPriority priority, bool force, CancellationToken ct);

    Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct);

    /// <summary>The job once finished, or its current record when <paramref name="timeout"/> passes first.</summary>
    Task<ClusterJob?> WaitAsync(Guid id, TimeSpan timeout, CancellationToken ct);

    /// <summary>Queued and running jobs as this instance knows them, and the queue limit.</summary>
    QueueSnapshot Status();
}

/// <summary>The outcome of a request: the job it created or joined, or a refusal because the queue is full.</summary>
public sealed record JobAdmission(ClusterJob? Job, bool Joined, bool QueueFull);

public sealed record QueueSnapshot(IReadOnlyList<ClusterJob> Queued, IReadOnlyList<ClusterJob> Running, int Limit);
