using System.Text.Json;
using System.Text.Json.Serialization;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// What the pub/sub topic carries: ids and flags, never vote data (dapr-notes §6 pitfall 6). The CloudEvent id is the
/// job id, so a redelivered event names the job it already created.
/// </summary>
public sealed record ClusterJobMessage(
    Guid JobId,
    string PollId,
    [property: JsonConverter(typeof(JsonStringEnumConverter<JobPriority>))] JobPriority Priority,
    bool Force,
    DateTimeOffset RequestedAt)
{
    /// <summary>The options of DaprClient and of the actor runtime (camelCase, case-insensitive).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public static ClusterJobMessage Of(ClusterJob job) => new(job.Id, job.PollId, job.Priority, job.Force, job.CreatedAt);

    /// <summary>Why the message cannot be run, or null.</summary>
    public string? Problem() =>
        JobId == Guid.Empty ? "jobId is missing"
        : string.IsNullOrWhiteSpace(PollId) || PollId.Length > 200 ? "pollId is missing or longer than 200 characters"
        : !Enum.IsDefined(Priority) ? "priority is not high, normal or low"
        : null;

    public ClusterJob ToJob() => new()
    {
        Id = JobId,
        PollId = PollId,
        Priority = Priority,
        Force = Force,
        CreatedAt = RequestedAt,
        NotBefore = RequestedAt,
    };
}
