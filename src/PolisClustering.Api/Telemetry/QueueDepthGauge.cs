using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Telemetry;

/// <summary>Publishes queue depth and running jobs as observable gauges.</summary>
public sealed class QueueDepthGauge
{
    public QueueDepthGauge(ClusteringTelemetry telemetry, IJobQueue queue)
    {
        telemetry.Meter.CreateObservableGauge("polis_clustering.queue.depth", () => queue.Status().Queued.Count, "{job}", "Queued jobs.");
        telemetry.Meter.CreateObservableGauge("polis_clustering.jobs.running", () => queue.Status().Running.Count, "{job}", "Running jobs.");
    }
}
