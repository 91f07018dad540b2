using PolisClustering.Api.Hosting;
using System.Text.Json.Serialization;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Endpoints;

/// <summary>GET /queue/status, in the shape the seed app's admin screen reads plus operator figures.</summary>
public static class QueueEndpoints
{
    public static RouteGroupBuilder MapQueueEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/queue/status", Status)
            .WithName("QueueStatus")
            .WithSummary("Queue depth per priority, running jobs, workers, oldest queued age, recent throughput")
            .Produces<QueueStatus>()
            .RequireCors(CorsPolicies.AdminScreen);
        return group;
    }

    public sealed record QueueItem(
        [property: JsonPropertyName("job_id")] Guid JobId,
        [property: JsonPropertyName("poll_id")] string PollId,
        [property: JsonPropertyName("priority")] string Priority,
        [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

    public sealed record ProcessingItem(
        [property: JsonPropertyName("job_id")] Guid JobId,
        [property: JsonPropertyName("poll_id")] string PollId,
        [property: JsonPropertyName("status")] string Status);

    public sealed record QueueStatus(
        [property: JsonPropertyName("queued_jobs")] int QueuedJobs,
        [property: JsonPropertyName("processing_jobs")] int ProcessingJobs,
        [property: JsonPropertyName("queue")] IReadOnlyList<QueueItem> Queue,
        [property: JsonPropertyName("processing")] IReadOnlyList<ProcessingItem> Processing,
        [property: JsonPropertyName("depth")] IReadOnlyDictionary<string, int> Depth,
        [property: JsonPropertyName("limit")] int Limit,
        [property: JsonPropertyName("workers")] int Workers,
        [property: JsonPropertyName("oldest_queued_age_seconds")] double? OldestQueuedAgeSeconds,
        [property: JsonPropertyName("recent")] JobThroughput.Window Recent);

    /// <summary>The seed screen lists the queue; past this many entries only the counts grow.</summary>
    private const int ListedJobs = 100;

    private static QueueStatus Status(IJobQueue queue, ClusterWorkers workers, JobThroughput throughput, TimeProvider clock)
    {
        var snapshot = queue.Status();
        var now = clock.GetUtcNow();
        var depth = Enum.GetValues<JobPriority>().ToDictionary(Wire.Priority, p => snapshot.Queued.Count(j => j.Priority == p));
        return new QueueStatus(
            snapshot.Queued.Count,
            snapshot.Running.Count,
            [.. snapshot.Queued.Take(ListedJobs).Select(j => new QueueItem(j.Id, j.PollId, Wire.Priority(j.Priority), j.CreatedAt))],
            [.. snapshot.Running.Select(j => new ProcessingItem(j.Id, j.PollId, "running"))],
            depth,
            snapshot.Limit,
            workers.Count,
            snapshot.Queued.Count > 0 ? (now - snapshot.Queued.Min(j => j.CreatedAt)).TotalSeconds : null,
            throughput.Recent());
    }
}
