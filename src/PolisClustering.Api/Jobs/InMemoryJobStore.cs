using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;

namespace PolisClustering.Api.Jobs;

/// <summary>Job records in memory, bounded: the oldest finished jobs are forgotten past the retention limit.</summary>
public sealed class InMemoryJobStore(IOptions<ClusteringOptions> options) : IJobStore
{
    private readonly Dictionary<Guid, ClusterJob> _jobs = [];
    private readonly Queue<Guid> _finished = new();
    private readonly Lock _gate = new();

    public Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct)
    {
        lock (_gate)
        {
            return Task.FromResult(_jobs.GetValueOrDefault(id));
        }
    }

    public Task<ClusterJob> SaveAsync(ClusterJob job, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(job.Id, out var stored) && !stored.CanMoveTo(job.Status) && stored.Status != job.Status)
            {
                return Task.FromResult(stored);
            }

            var wasFinished = stored?.IsFinished ?? false;
            _jobs[job.Id] = job;
            if (job.IsFinished && !wasFinished)
            {
                _finished.Enqueue(job.Id);
                while (_finished.Count > options.Value.RetainedJobs && _finished.TryDequeue(out var old))
                {
                    _jobs.Remove(old);
                }
            }

            return Task.FromResult(job);
        }
    }
}
