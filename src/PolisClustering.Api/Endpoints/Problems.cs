namespace PolisClustering.Api.Endpoints;

/// <summary>problem+json answers that name what is wrong.</summary>
public static class Problems
{
    public static IResult BadRequest(string field, string error) => TypedResults.Problem(
        $"{field} {error}", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request",
        extensions: new Dictionary<string, object?> { ["field"] = field });

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static IResult TooLarge(long limit) => TypedResults.Problem(
        $"The request body exceeds the limit of {limit} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large");

    /// <summary>503: the store cannot be reached; nothing was queued. The exception's text is not shown.</summary>
    public static IResult Unavailable(string store) => TypedResults.Problem(
        $"The {store} store is unavailable; nothing was queued. Retry later.", statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Store unavailable");

    public static IResult QueueFull(int limit) => new QueueFullResult(limit);

    /// <summary>429 with Retry-After: the queue holds its limit of jobs.</summary>
    private sealed class QueueFullResult(int limit) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem($"The queue is full ({limit} jobs); retry later.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Queue full").ExecuteAsync(httpContext);
        }
    }
}
