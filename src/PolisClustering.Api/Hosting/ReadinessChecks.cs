using Microsoft.Extensions.Diagnostics.HealthChecks;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Hosting;

/// <summary>Readiness of the primary store (PostgreSQL), within a time bound.</summary>
public sealed class StoreHealthCheck(StoreRouter stores) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        try
        {
            await stores.Primary.CheckHealthAsync(bounded.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{stores.Primary.Name} reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The exception's message is not passed on: connection errors can carry host names and user names.
            return HealthCheckResult.Unhealthy($"{stores.Primary.Name} unreachable ({e.GetType().Name})");
        }
    }
}

/// <summary>Readiness of the worker pool: at least one worker loop is alive.</summary>
public sealed class WorkersHealthCheck(ClusterWorkers workers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(workers.Alive > 0
            ? HealthCheckResult.Healthy($"{workers.Alive} of {workers.Count} workers running")
            : HealthCheckResult.Unhealthy("no worker is running"));
}
