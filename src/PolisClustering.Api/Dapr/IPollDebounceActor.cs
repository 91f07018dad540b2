using Dapr.Actors;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>One actor per poll (id = poll id): debounces requests and keeps at most one queued and one running job.</summary>
public interface IPollDebounceActor : IActor
{
    /// <summary>Queues a job for the poll or joins the one waiting; the reminder publishes it when due.</summary>
    Task<DebounceAdmission> RequestAsync(DebounceRequest request, CancellationToken ct);

    /// <summary>The running job ended: a waiting follow-up may go.</summary>
    Task JobFinishedAsync(Guid jobId, CancellationToken ct);
}

/// <summary>The body of PUT /actors/PollDebounceActor/{pollId}/method/RequestAsync.</summary>
public sealed record DebounceRequest(JobPriority Priority, bool Force);

public sealed record DebounceAdmission(ClusterJob Job, bool Joined);

/// <summary>The actor's one state record: the job waiting for its window, and the job published last.</summary>
public sealed record PollDebounceState(ClusterJob? Queued, Guid? Running, DateTimeOffset? RunningSince);
