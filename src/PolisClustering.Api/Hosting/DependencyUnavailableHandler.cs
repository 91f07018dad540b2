using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace PolisClustering.Api.Hosting;

/// <summary>
/// An unreachable dependency (PostgreSQL, or the Dapr sidecar) is a 503 naming it, not a 500. The exception's own
/// text is not shown: connection errors can carry host and user names.
/// </summary>
public sealed class DependencyUnavailableHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var dependency = exception switch
        {
            NpgsqlException or TimeoutException => "postgresql",
            HttpRequestException or Grpc.Core.RpcException => "dapr-sidecar",
            _ => null,
        };
        if (dependency is null)
        {
            return false;
        }

        httpContext.Response.Headers.RetryAfter = "5";
        await TypedResults.Problem($"The {dependency} dependency is unavailable; nothing was changed. Retry later.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Dependency unavailable",
            extensions: new Dictionary<string, object?> { ["dependency"] = dependency })
            .ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}
