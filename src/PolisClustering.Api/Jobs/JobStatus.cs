namespace PolisClustering.Api.Jobs;

/// <summary>A job's lifecycle. Values are ordered: a status never moves back to a smaller one.</summary>
public enum JobStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Superseded = 4,
}
