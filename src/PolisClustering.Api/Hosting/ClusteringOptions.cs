using System.ComponentModel.DataAnnotations;
using PolisClustering.Api.Dapr;

namespace PolisClustering.Api.Hosting;

/// <summary>Service settings: section "Clustering", plus CLUSTERING_TOKEN and CLUSTERING_CONNECTION_STRING.</summary>
public sealed class ClusteringOptions
{
    public const string SectionName = "Clustering";

    /// <summary>Bearer token every endpoint but health requires. Required: the service never runs open.</summary>
    [Required(ErrorMessage = "Set CLUSTERING_TOKEN (or Clustering:Token): the service refuses to run without a bearer token.")]
    [MinLength(16, ErrorMessage = "CLUSTERING_TOKEN must be at least 16 characters.")]
    public string Token { get; set; } = "";

    /// <summary>embedded or dapr; unset: dapr when DAPR_GRPC_PORT or DAPR_HTTP_PORT is set (see ClusteringModes).</summary>
    public ClusteringMode? Mode { get; set; }

    /// <summary>PostgreSQL connection string; without one the service keeps everything in memory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Concurrent jobs; 0 means one per core.</summary>
    [Range(0, 256)]
    public int Workers { get; set; }

    /// <summary>Queued jobs at most; past it POST /cluster answers 429.</summary>
    [Range(1, 1_000_000)]
    public int QueueLimit { get; set; } = 1_000;

    /// <summary>Requests for a poll inside this window coalesce into one job.</summary>
    public TimeSpan DebounceWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A poll voted on without pause still reclusters at least this often.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest a synchronous POST /cluster?wait=true may wait.</summary>
    public TimeSpan SyncWaitLimit { get; set; } = TimeSpan.FromSeconds(55);

    /// <summary>How often the service looks for polls with votes newer than their result (0 disables).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest accepted request body (inline votes included).</summary>
    [Range(1_024, 1_073_741_824)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Origins allowed to call /health and /queue/status from a browser ("*" for any).</summary>
    public string[] CorsOrigins { get; set; } = ["*"];

    /// <summary>Finished jobs kept for GET /jobs/{id}; the oldest are forgotten first.</summary>
    [Range(100, 10_000_000)]
    public int RetainedJobs { get; set; } = 10_000;

    /// <summary>Polls sent inline kept in memory with their results; the oldest are forgotten first.</summary>
    [Range(10, 10_000_000)]
    public int RetainedPolls { get; set; } = 10_000;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}
