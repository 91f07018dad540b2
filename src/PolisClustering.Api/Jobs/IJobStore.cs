namespace PolisClustering.Api.Jobs;

/// <summary>
/// Job records. In process by default; the Dapr state store in Dapr mode. A save never moves a job's status backwards.
/// </summary>
public interface IJobStore
{
    Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct);

    /// <summary>Saves the job unless the stored record is already further along; returns what is stored after.</summary>
    Task<ClusterJob> SaveAsync(ClusterJob job, CancellationToken ct);
}
