using PolisClustering.Api.Jobs;
using PolisClustering.Api.Persistence;

namespace PolisClustering.Api.Endpoints;

/// <summary>GET /jobs/{id} and GET /polls/{pollId}/result.</summary>
public static class JobEndpoints
{
    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/jobs/{id:guid}", GetJobAsync)
            .WithName("GetJob")
            .WithSummary("A job's status, stage, progress, timings, error and result summary")
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/polls/{pollId}/result", GetResultAsync)
            .WithName("GetPollResult")
            .WithSummary("The poll's latest result: the Polis-shaped JSON (math-pca2) and its summary")
            .Produces<ResultView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    public sealed record JobView(
        Guid Id, string PollId, string Status, string Priority, string Stage, double Progress, int Requests, bool Force,
        DateTimeOffset CreatedAt, DateTimeOffset NotBefore, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
        double? DurationMs, string? Error, string? Skipped, ResultSummary? Result)
    {
        public static JobView Of(ClusterJob j) => new(j.Id, j.PollId, Wire.Status(j.Status), Wire.Priority(j.Priority),
            j.Stage, j.Progress, j.Requests, j.Force, j.CreatedAt, j.NotBefore, j.StartedAt, j.FinishedAt,
            (j.FinishedAt - j.StartedAt)?.TotalMilliseconds, j.Error, j.Skipped, j.Result);
    }

    public sealed record ResultView(string PollId, int Version, Guid JobId, DateTimeOffset ComputedAt, ResultSummary Summary,
        System.Text.Json.JsonElement Polis);

    private static async Task<IResult> GetJobAsync(Guid id, IJobQueue jobs, CancellationToken ct) =>
        await jobs.GetAsync(id, ct).ConfigureAwait(false) is { } job
            ? TypedResults.Ok(JobView.Of(job))
            : Problems.NotFound($"No job {id}: it never existed, or it finished long enough ago to be forgotten.");

    private static async Task<IResult> GetResultAsync(string pollId, StoreRouter stores, CancellationToken ct)
    {
        var result = await stores.For(pollId).GetLatestResultAsync(pollId, ct).ConfigureAwait(false);
        if (result is null)
        {
            return Problems.NotFound($"Poll '{pollId}' has no result yet (unknown poll, or never clustered).");
        }

        using var polis = System.Text.Json.JsonDocument.Parse(result.PolisJson);
        return TypedResults.Ok(new ResultView(result.PollId, result.Version, result.JobId, result.ComputedAt, result.Summary,
            polis.RootElement.Clone()));
    }
}
