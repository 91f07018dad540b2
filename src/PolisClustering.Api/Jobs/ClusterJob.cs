using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Jobs;

/// <summary>One clustering of one poll, as operators see it at GET /jobs/{id}. Immutable; updates make copies.</summary>
public sealed record ClusterJob
{
    public required Guid Id { get; init; }
    public required string PollId { get; init; }
    public JobPriority Priority { get; init; } = JobPriority.Normal;
    public JobStatus Status { get; init; } = JobStatus.Queued;

    /// <summary>Recompute even when the poll's votes have not changed since its last result.</summary>
    public bool Force { get; init; }

    /// <summary>How many requests this job absorbed (debounced and coalesced).</summary>
    public int Requests { get; init; } = 1;
    public string Stage { get; init; } = "queued";

    /// <summary>0..1, coarse: by pipeline stage.</summary>
    public double Progress { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The job may not start before this instant (debounce window, capped by the maximum wait).</summary>
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Error { get; init; }

    /// <summary>Why a succeeded job did not compute (votes unchanged, too few participants), or null.</summary>
    public string? Skipped { get; init; }
    public ResultSummary? Result { get; init; }

    /// <summary>A job's status only moves forward; a later update of an earlier status is ignored.</summary>
    public bool CanMoveTo(JobStatus next) => next > Status || (next == Status && next == JobStatus.Queued);

    public bool IsFinished => Status >= JobStatus.Succeeded;
}
