using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Telemetry;

namespace PolisClustering.Api.Endpoints;

/// <summary>POST /cluster: queue (or join) a clustering of one poll; optionally wait for it.</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapClusterEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/cluster", ClusterAsync)
            .WithName("Cluster")
            .WithSummary("Queue a clustering of one poll")
            .WithDescription("Body: {pollId, priority?, force?, wait?, votes?, statements?}, or the seed app's {poll_id, force_recalculate}. Answers 202 with the job, or with ?wait=true the finished job's counts.")
            .Produces<ClusterAccepted>(StatusCodes.Status202Accepted)
            .Produces<ClusterCompleted>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary>202 body: the seed app's fields (success, job_id, message) beside ours (jobId, status, url, joined).</summary>
    public sealed record ClusterAccepted(bool Success, Guid JobId, string Message, string Status, string Url, bool Joined)
    {
        [JsonPropertyName("job_id")]
        public Guid SeedJobId => JobId;
    }

    /// <summary>200 body of a synchronous request, in the names the seed app's edge function answered with.</summary>
    public sealed record ClusterCompleted(
        [property: JsonPropertyName("success")] bool Success,
        [property: JsonPropertyName("job_id")] Guid JobId,
        [property: JsonPropertyName("status")] string Status,
        [property: JsonPropertyName("groups_created")] int GroupsCreated,
        [property: JsonPropertyName("consensus_points_found")] int ConsensusPointsFound,
        [property: JsonPropertyName("processing_time_ms")] long ProcessingTimeMs,
        [property: JsonPropertyName("cached")] bool Cached,
        [property: JsonPropertyName("message")] string? Message);

    private static async Task<IResult> ClusterAsync(HttpRequest request, IJobQueue jobs,
        StoreRouter stores, IOptions<ClusteringOptions> options, ILogger<IJobQueue> logger, CancellationToken ct)
    {
        // Parsed here rather than bound, so that ?wait=yes is a 400 naming the parameter, not a bare binding failure.
        var waitQuery = request.Query["wait"].ToString();
        if (waitQuery.Length > 0 && !bool.TryParse(waitQuery, out _))
        {
            return Problems.BadRequest("wait", "must be true or false");
        }

        var wait = waitQuery.Length > 0 && bool.Parse(waitQuery);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            return Problems.BadRequest("body", $"is not valid JSON: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problems.TooLarge(options.Value.MaxRequestBodyBytes);
        }

        ClusterRequest parsed;
        using (document)
        {
            var (r, field, error) = ClusterRequest.Parse(document.RootElement);
            if (r is null)
            {
                return Problems.BadRequest(field!, error!);
            }

            parsed = r;
        }

        bool exists;
        try
        {
            // Inline votes are for polls the database does not hold; they never shadow a stored poll.
            if (parsed.Inline is not null && stores.Primary != stores.Memory
                && await stores.Primary.PollExistsAsync(parsed.PollId, ct).ConfigureAwait(false))
            {
                return Problems.Conflict($"Poll '{parsed.PollId}' is stored in the database: cluster it without inline votes.");
            }

            exists = parsed.Inline is not null || await stores.For(parsed.PollId).PollExistsAsync(parsed.PollId, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            return Problems.Unavailable(stores.Primary.Name);
        }

        var newInlinePoll = parsed.Inline is { } inline && stores.Memory.PutPoll(InlinePolls.Create(parsed.PollId, inline));
        if (!exists)
        {
            return Problems.NotFound($"Poll '{parsed.PollId}' is unknown: it has no row in the database, and no votes were sent inline for it.");
        }

        var admission = await jobs.RequestAsync(parsed.PollId, parsed.Priority, parsed.Force, CancellationToken.None).ConfigureAwait(false);
        if (admission.Job is not { } job)
        {
            if (newInlinePoll)
            {
                stores.Memory.RemovePoll(parsed.PollId); // a refused request leaves nothing behind
            }

            Log.QueueFull(logger, options.Value.QueueLimit, parsed.PollId);
            return Problems.QueueFull(options.Value.QueueLimit);
        }

        var url = $"/jobs/{job.Id}";
        if (wait || parsed.Wait)
        {
            // The job runs on a worker: if this client hangs up, the job carries on.
            var finished = await jobs.WaitAsync(job.Id, options.Value.SyncWaitLimit, ct).ConfigureAwait(false) ?? job;
            if (finished.Status == JobStatus.Failed)
            {
                return TypedResults.Json(new { success = false, job_id = finished.Id, error = finished.Error }, statusCode: StatusCodes.Status500InternalServerError);
            }

            if (finished.IsFinished)
            {
                var ms = (long)((finished.FinishedAt - finished.StartedAt)?.TotalMilliseconds ?? 0);
                return TypedResults.Ok(new ClusterCompleted(true, finished.Id, Wire.Status(finished.Status),
                    finished.Result?.K ?? 0, finished.Result?.ConsensusPoints ?? 0, ms, finished.Skipped is not null, finished.Skipped));
            }
        }

        var message = admission.Joined ? "Joined the queued job for this poll." : "Clustering job queued.";
        return TypedResults.Accepted(url, new ClusterAccepted(true, job.Id, message, Wire.Status(job.Status), url, admission.Joined));
    }
}
