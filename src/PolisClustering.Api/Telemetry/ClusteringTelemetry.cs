using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PolisClustering.Api.Telemetry;

/// <summary>The service's one ActivitySource and one Meter, both named "PolisClustering".</summary>
public sealed class ClusteringTelemetry : IDisposable
{
    public const string Name = "PolisClustering";

    public ClusteringTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        Jobs = Meter.CreateCounter<long>("polis_clustering.jobs", "{job}", "Finished jobs by outcome.");
        StageDuration = Meter.CreateHistogram<double>("polis_clustering.job.stage.duration", "s", "Job duration by stage.");
    }

    public static ActivitySource Source { get; } = new(Name);

    public Meter Meter { get; }

    /// <summary>Tagged with outcome = succeeded | failed | skipped.</summary>
    public Counter<long> Jobs { get; }

    /// <summary>Tagged with stage = load | cluster | write | total.</summary>
    public Histogram<double> StageDuration { get; }

    public void Dispose() => Meter.Dispose();
}
