using System.ComponentModel.DataAnnotations;
using PolisClustering.Api.Endpoints;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// Section "Dapr": every component, topic and binding name the service uses. They must match components/, dapr.yaml
/// and k8s/ (a test checks it), so no other code spells them.
/// </summary>
public sealed class DaprComponentOptions
{
    public const string SectionName = "Dapr";

    /// <summary>Message priorities run 0 (low) to 2 (high); RabbitMQ declares the queue with this maximum.</summary>
    public const int MaxPriority = (int)JobPriority.High;

    /// <summary>The app id of dapr.yaml and the Kubernetes annotation; names the lease holder.</summary>
    [Required]
    public string AppId { get; set; } = "polis-clustering";

    [Required]
    public string PubSubName { get; set; } = "clustering-pubsub";

    /// <summary>The job topic; in <see cref="DaprPriorityMode.Topics"/> mode the prefix of one topic per level.</summary>
    [Required]
    public string Topic { get; set; } = "cluster-jobs";

    /// <summary>Where the sidecar puts messages answered DROP or retried out (dapr-notes §5.2).</summary>
    [Required]
    public string DeadLetterTopic { get; set; } = "cluster-jobs-dead";

    public DaprPriorityMode PriorityMode { get; set; } = DaprPriorityMode.Topics;

    /// <summary>Job records and per-poll leases.</summary>
    [Required]
    public string StateStoreName { get; set; } = "clustering-state";

    /// <summary>Input binding (Kafka or RabbitMQ queue) delivering cluster requests to POST /&lt;name&gt;.</summary>
    [Required]
    public string QueueBindingName { get; set; } = "cluster-requests";

    /// <summary>Cron input binding that triggers POST /&lt;name&gt;, the sweep.</summary>
    [Required]
    public string SweepBindingName { get; set; } = "clustering-sweep";

    /// <summary>A running job holds its poll's lease this long and renews it at a third of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often a poll actor looks again at a running job when a follow-up is due.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Job records expire from the state store after this long (GET /jobs/{id} then answers 404).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(7);

    public string TopicFor(JobPriority priority) =>
        PriorityMode == DaprPriorityMode.Topics ? $"{Topic}-{Wire.Priority(priority)}" : Topic;

    /// <summary>Every topic the service publishes to and subscribes to, highest priority first.</summary>
    public IReadOnlyList<string> Topics() =>
        PriorityMode == DaprPriorityMode.Topics
            ? [.. Enum.GetValues<JobPriority>().OrderDescending().Select(TopicFor)]
            : [Topic];
}
