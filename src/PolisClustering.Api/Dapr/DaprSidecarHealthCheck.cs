using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PolisClustering.Api.Dapr;

/// <summary>
/// Readiness of the sidecar: GET /v1.0/healthz/outbound (components loaded), within a time bound. Only /health/ready
/// runs it; liveness never depends on the sidecar (dapr-notes §4).
/// </summary>
public sealed class DaprSidecarHealthCheck(DaprClient client) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Timeout);
        try
        {
            return await client.CheckOutboundHealthAsync(bounded.Token).ConfigureAwait(false)
                ? HealthCheckResult.Healthy("Dapr sidecar reachable")
                : HealthCheckResult.Unhealthy("Dapr sidecar not ready");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Dapr sidecar did not answer within {Timeout.TotalSeconds:0} s");
        }
    }
}
