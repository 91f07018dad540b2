using System.Globalization;
using Dapr.Client;
using Microsoft.Extensions.Options;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// One lease per poll, a state-store key written with ETags and a TTL: the job holding it is the only one running for
/// the poll, so a redelivered or duplicate job waits instead of running twice (dapr-notes §0.3, §6 pitfalls 3 and 4).
/// </summary>
public sealed class PollLeases(DaprClient client, IOptions<DaprComponentOptions> options, TimeProvider clock)
{
    private readonly string _holder = $"{options.Value.AppId}/{Environment.MachineName}/{Environment.ProcessId}";

    public sealed record Lease(Guid JobId, string Holder, DateTimeOffset ExpiresAt);

    /// <summary>Acquired, or not and who holds it (possibly the same job, delivered twice).</summary>
    public sealed record Attempt(bool Acquired, Lease? Current);

    public static string Key(string pollId) => $"lease-{pollId}";

    /// <summary>The live lease of the poll, or null when none is held or it expired.</summary>
    public async Task<Lease?> ReadAsync(string pollId, CancellationToken ct)
    {
        var lease = await client.GetStateAsync<Lease>(options.Value.StateStoreName, Key(pollId), ConsistencyMode.Strong, cancellationToken: ct)
            .ConfigureAwait(false);
        return lease is not null && lease.ExpiresAt > clock.GetUtcNow() ? lease : null;
    }

    public async Task<Attempt> TryAcquireAsync(string pollId, Guid jobId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (current, etag) = await ReadWithETagAsync(pollId, ct).ConfigureAwait(false);
            if (current is not null && current.ExpiresAt > clock.GetUtcNow())
            {
                return new Attempt(false, current);
            }

            var mine = new Lease(jobId, _holder, clock.GetUtcNow() + options.Value.LeaseDuration);
            if (await WriteAsync(pollId, mine, etag, ct).ConfigureAwait(false))
            {
                return new Attempt(true, mine);
            }
        }

        return new Attempt(false, await ReadAsync(pollId, ct).ConfigureAwait(false));
    }

    /// <summary>Extends the job's lease; false when it is no longer the job's (expired and taken).</summary>
    public async Task<bool> RenewAsync(string pollId, Guid jobId, CancellationToken ct)
    {
        var (current, etag) = await ReadWithETagAsync(pollId, ct).ConfigureAwait(false);
        return current?.JobId == jobId
            && await WriteAsync(pollId, current with { ExpiresAt = clock.GetUtcNow() + options.Value.LeaseDuration }, etag, ct).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string pollId, Guid jobId, CancellationToken ct)
    {
        var (current, etag) = await ReadWithETagAsync(pollId, ct).ConfigureAwait(false);
        if (current?.JobId == jobId)
        {
            await client.TryDeleteStateAsync(options.Value.StateStoreName, Key(pollId), etag, DaprJobStore.WriteOptions, cancellationToken: ct)
                .ConfigureAwait(false);
        }
    }

    private async Task<(Lease? Lease, string ETag)> ReadWithETagAsync(string pollId, CancellationToken ct)
    {
        var (lease, etag) = await client.GetStateAndETagAsync<Lease>(options.Value.StateStoreName, Key(pollId), ConsistencyMode.Strong, cancellationToken: ct)
            .ConfigureAwait(false);
        return (lease, etag ?? "");
    }

    private Task<bool> WriteAsync(string pollId, Lease lease, string etag, CancellationToken ct) =>
        client.TrySaveStateAsync(options.Value.StateStoreName, Key(pollId), lease, etag, DaprJobStore.WriteOptions,
            new Dictionary<string, string>
            {
                // The store forgets a lease whose holder died; ExpiresAt covers stores without TTL.
                ["ttlInSeconds"] = ((int)Math.Ceiling(options.Value.LeaseDuration.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
            }, ct);
}
