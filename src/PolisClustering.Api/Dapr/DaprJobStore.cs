using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Jobs;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// Job records in the Dapr state store with ETag concurrency (dapr-notes §2.4): every write names the ETag it read, a
/// conflict re-reads and retries, and a record further along than the write wins, so a status never moves backwards.
/// </summary>
public sealed class DaprJobStore(DaprClient client, IOptions<DaprComponentOptions> options, ILogger<DaprJobStore> logger)
    : IJobStore
{
    private const int MaxAttempts = 8;

    /// <summary>first-write: an ETag must match, and an empty one only creates (a mismatch is gRPC Aborted).</summary>
    public static StateOptions WriteOptions { get; } = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public static string Key(Guid id) => $"job-{id}";

    public async Task<ClusterJob?> GetAsync(Guid id, CancellationToken ct) =>
        await client.GetStateAsync<ClusterJob>(options.Value.StateStoreName, Key(id), ConsistencyMode.Strong, cancellationToken: ct)
            .ConfigureAwait(false);

    public async Task<ClusterJob> SaveAsync(ClusterJob job, CancellationToken ct)
    {
        var store = options.Value.StateStoreName;
        var metadata = new Dictionary<string, string>
        {
            ["ttlInSeconds"] = ((long)options.Value.JobRetention.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        };
        for (var attempt = 1; ; attempt++)
        {
            var (stored, etag) = await client.GetStateAndETagAsync<ClusterJob>(store, Key(job.Id), ConsistencyMode.Strong, cancellationToken: ct)
                .ConfigureAwait(false);
            if (stored is not null && !stored.CanMoveTo(job.Status) && stored.Status != job.Status)
            {
                return stored;
            }

            if (await client.TrySaveStateAsync(store, Key(job.Id), job, etag ?? "", WriteOptions, metadata, ct).ConfigureAwait(false))
            {
                return job;
            }

            if (attempt == MaxAttempts)
            {
                // Another writer keeps winning: its record stands, and this caller carries on with it.
                DaprLog.JobConflictGaveUp(logger, job.Id, attempt);
                return await GetAsync(job.Id, ct).ConfigureAwait(false) ?? job;
            }

            DaprLog.JobConflict(logger, job.Id, attempt);
            await Task.Delay(TimeSpan.FromMilliseconds(10 * attempt * Random.Shared.Next(1, 4)), ct).ConfigureAwait(false); // jitter
        }
    }
}
