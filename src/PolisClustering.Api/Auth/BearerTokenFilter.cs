using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;

namespace PolisClustering.Api.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;CLUSTERING_TOKEN&gt;</c>. Compares hashes in constant time, so neither the
/// token's content nor its length leaks through timing. A wrong, missing or empty token gets 401 (never 403).
/// </summary>
public sealed class BearerTokenFilter(IOptions<ClusteringOptions> options) : IEndpointFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (!string.IsNullOrEmpty(presented)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _expected))
        {
            return next(context);
        }

        context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"polis-clustering\"";
        var detail = string.IsNullOrEmpty(header)
            ? "Send Authorization: Bearer <token>."
            : presented is null
                ? header.Trim().Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? "The bearer token is empty." : "The Authorization header must use the Bearer scheme."
                : presented.Length == 0 ? "The bearer token is empty." : "The bearer token is not valid.";
        return ValueTask.FromResult<object?>(TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized"));
    }
}
