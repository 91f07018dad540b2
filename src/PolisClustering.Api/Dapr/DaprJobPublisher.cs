using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>Publishes a job message to its topic; the CloudEvent id is the job id (dapr-notes §2.2, §0.4).</summary>
public sealed class DaprJobPublisher(DaprClient client, IOptions<DaprComponentOptions> options)
{
    /// <summary>Publishes and returns the topic it went to.</summary>
    public async Task<string> PublishAsync(ClusterJob job, CancellationToken ct)
    {
        var o = options.Value;
        var topic = o.TopicFor(job.Priority);
        var metadata = new Dictionary<string, string>
        {
            ["cloudevent.id"] = job.Id.ToString(),
            ["partitionKey"] = job.PollId, // Kafka: one poll's jobs stay in order
        };
        if (o.PriorityMode == DaprPriorityMode.Metadata)
        {
            // RabbitMQ reads "priority" (not "maxPriority") from publish metadata (dapr-notes §2.3).
            metadata["priority"] = ((int)job.Priority).ToString(CultureInfo.InvariantCulture);
        }

        await client.PublishEventAsync(o.PubSubName, topic, ClusterJobMessage.Of(job), metadata, ct).ConfigureAwait(false);
        return topic;
    }
}
