using System.Diagnostics;
using PolisClustering.Api.Persistence;
using PolisClustering.Api.Telemetry;
using PolisClustering.Engine;

namespace PolisClustering.Api.Jobs;

/// <summary>
/// Runs one job: load the poll, start the engine from the poll's stored state, write the result in one transaction,
/// record the outcome. A failure at any stage leaves the previous result untouched.
/// </summary>
public sealed class JobProcessor(
    StoreRouter stores, IJobStore jobs, ClusteringTelemetry telemetry, TimeProvider clock, ILogger<JobProcessor> logger)
{
    public async Task<ClusterJob> RunAsync(ClusterJob queued, CancellationToken ct)
    {
        using var activity = ClusteringTelemetry.Source.StartActivity("cluster-job");
        activity?.SetTag("poll.id", queued.PollId);
        activity?.SetTag("job.id", queued.Id);
        var store = stores.For(queued.PollId);
        var total = Stopwatch.StartNew();
        var job = await jobs.SaveAsync(queued with
        {
            Status = JobStatus.Running,
            Stage = "loading",
            Progress = 0.1,
            StartedAt = clock.GetUtcNow(),
        }, ct).ConfigureAwait(false);
        Log.JobStarted(logger, job.Id, job.PollId, job.Requests);
        try
        {
            await store.JobStartedAsync(job, ct).ConfigureAwait(false);
            var stage = Stopwatch.StartNew();
            var poll = await store.LoadPollAsync(job.PollId, ct).ConfigureAwait(false)
                ?? throw new JobFailedException($"poll {job.PollId} does not exist");
            var previous = await store.GetStateAsync(job.PollId, ct).ConfigureAwait(false);
            Record("load", stage);

            var participants = poll.Input.ParticipantIds.Count;
            if (!job.Force && previous is not null && previous.Watermark == poll.Watermark)
            {
                return await SkipAsync(store, job, $"votes unchanged since result version {previous.Version}", ct).ConfigureAwait(false);
            }

            if (participants < poll.Settings.MinParticipants)
            {
                return await SkipAsync(store, job,
                    $"{participants} participants, fewer than the poll's minimum of {poll.Settings.MinParticipants}", ct).ConfigureAwait(false);
            }

            job = await jobs.SaveAsync(job with { Stage = "clustering", Progress = 0.3 }, ct).ConfigureAwait(false);
            stage.Restart();
            var options = new EngineOptions { MinK = poll.Settings.MinGroups, MaxK = poll.Settings.MaxGroups };
            var result = ClusteringEngine.Run(poll.Input, options, previous?.State);
            Record("cluster", stage);

            job = await jobs.SaveAsync(job with { Stage = "writing", Progress = 0.8 }, ct).ConfigureAwait(false);
            stage.Restart();
            var summary = await store.SaveResultAsync(job, poll, result, ct).ConfigureAwait(false);
            Record("write", stage);

            job = await jobs.SaveAsync(job with
            {
                Status = JobStatus.Succeeded,
                Stage = "done",
                Progress = 1,
                FinishedAt = clock.GetUtcNow(),
                Result = summary,
            }, ct).ConfigureAwait(false);
            telemetry.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
            Log.JobSucceeded(logger, job.Id, job.PollId, total.ElapsedMilliseconds, summary.K, summary.Version);
            return job;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var reason = e is JobFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Log.JobFailed(logger, e, job.Id, job.PollId, reason);
            activity?.SetStatus(ActivityStatusCode.Error, reason);
            try
            {
                await store.JobFailedAsync(job, reason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception recordFailure)
            {
                Log.FailureNotRecorded(logger, recordFailure, job.Id);
            }

            telemetry.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            return await jobs.SaveAsync(job with
            {
                Status = JobStatus.Failed,
                Stage = "failed",
                FinishedAt = clock.GetUtcNow(),
                Error = reason,
            }, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Record("total", total);
        }
    }

    private async Task<ClusterJob> SkipAsync(IClusteringStore store, ClusterJob job, string reason, CancellationToken ct)
    {
        await store.JobSkippedAsync(job, reason, ct).ConfigureAwait(false);
        telemetry.Jobs.Add(1, new KeyValuePair<string, object?>("outcome", "skipped"));
        Log.JobSkipped(logger, job.Id, job.PollId, reason);
        var latest = await store.GetLatestResultAsync(job.PollId, ct).ConfigureAwait(false);
        return await jobs.SaveAsync(job with
        {
            Status = JobStatus.Succeeded,
            Stage = "done",
            Progress = 1,
            FinishedAt = clock.GetUtcNow(),
            Skipped = reason,
            Result = latest?.Summary,
        }, ct).ConfigureAwait(false);
    }

    private void Record(string stage, Stopwatch watch) =>
        telemetry.StageDuration.Record(watch.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("stage", stage));
}

/// <summary>A job failure with a reason meant for operators (no stack trace needed).</summary>
public sealed class JobFailedException(string message) : Exception(message);
