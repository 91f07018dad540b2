namespace PolisClustering.Api.Dapr;

/// <summary>How high-priority jobs overtake normal ones on the broker (dapr-notes §2.3).</summary>
public enum DaprPriorityMode
{
    /// <summary>One topic per level (<c>&lt;topic&gt;-high</c>, <c>-normal</c>, <c>-low</c>): brokers without priorities.</summary>
    Topics = 0,

    /// <summary>One topic, message metadata <c>priority</c> and subscription metadata <c>maxPriority</c>: RabbitMQ.</summary>
    Metadata = 1,
}
