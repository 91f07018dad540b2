using System.Text.Json.Serialization;

namespace PolisClustering.Api.Jobs;

/// <summary>Finished jobs over the last five minutes, for /queue/status.</summary>
public sealed class JobThroughput(TimeProvider clock)
{
    private static readonly TimeSpan Span = TimeSpan.FromMinutes(5);
    private readonly Queue<(DateTimeOffset At, JobStatus Status, bool Skipped)> _finished = new();
    private readonly Lock _gate = new();

    public sealed record Window(
        [property: JsonPropertyName("window_seconds")] double WindowSeconds,
        [property: JsonPropertyName("succeeded")] int Succeeded,
        [property: JsonPropertyName("skipped")] int Skipped,
        [property: JsonPropertyName("failed")] int Failed,
        [property: JsonPropertyName("jobs_per_minute")] double JobsPerMinute);

    public void Record(ClusterJob job)
    {
        lock (_gate)
        {
            _finished.Enqueue((clock.GetUtcNow(), job.Status, job.Skipped is not null));
            Trim();
        }
    }

    public Window Recent()
    {
        lock (_gate)
        {
            Trim();
            var succeeded = _finished.Count(f => f.Status == JobStatus.Succeeded && !f.Skipped);
            var skipped = _finished.Count(f => f.Skipped);
            var failed = _finished.Count(f => f.Status == JobStatus.Failed);
            return new Window(Span.TotalSeconds, succeeded, skipped, failed, _finished.Count / Span.TotalMinutes);
        }
    }

    private void Trim()
    {
        var cutoff = clock.GetUtcNow() - Span;
        while (_finished.TryPeek(out var oldest) && oldest.At < cutoff)
        {
            _finished.Dequeue();
        }
    }
}
