using PolisClustering.Api.Jobs;
using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// Where polls are read from and results written to: PostgreSQL (the seed app's schema plus ours) or memory (the
/// embedded default). Every method that writes does so in one transaction.
/// </summary>
public interface IClusteringStore
{
    /// <summary>"postgresql" or "memory", for readiness and logs.</summary>
    string Name { get; }

    /// <summary>Whether the poll exists (cheap; used to answer 404 before queueing).</summary>
    Task<bool> PollExistsAsync(string pollId, CancellationToken ct);

    /// <summary>Every vote of the poll (latest per pair is the engine's job), or null for an unknown poll.</summary>
    Task<PollData?> LoadPollAsync(string pollId, CancellationToken ct);

    Task<StoredState?> GetStateAsync(string pollId, CancellationToken ct);

    Task<StoredResult?> GetLatestResultAsync(string pollId, CancellationToken ct);

    /// <summary>A job was accepted (seed: a pending polis_clustering_jobs row).</summary>
    Task JobQueuedAsync(ClusterJob job, CancellationToken ct);

    /// <summary>A job started (seed: job and poll 'running', the poll's pending marker cleared).</summary>
    Task JobStartedAsync(ClusterJob job, CancellationToken ct);

    /// <summary>
    /// Replaces the poll's result with a new version, stores the next engine state and completes the job, all in one
    /// transaction: readers see the old result or the new one, never a mix or nothing.
    /// </summary>
    Task<ResultSummary> SaveResultAsync(ClusterJob job, PollData poll, ClusteringResult result, CancellationToken ct);

    /// <summary>The job failed; the previous result stays untouched.</summary>
    Task JobFailedAsync(ClusterJob job, string reason, CancellationToken ct);

    /// <summary>The job had nothing to do (votes unchanged, too few participants); results untouched.</summary>
    Task JobSkippedAsync(ClusterJob job, string reason, CancellationToken ct);

    /// <summary>Polls with a pending marker or votes newer than their last result (so a lost trigger is no lost update).</summary>
    Task<IReadOnlyList<string>> FindPollsNeedingClusteringAsync(CancellationToken ct);

    /// <summary>Throws when the store cannot be reached.</summary>
    Task CheckHealthAsync(CancellationToken ct);
}
