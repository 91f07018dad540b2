namespace PolisClustering.Api.Telemetry;

/// <summary>Every log line the service writes, with named placeholders.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Job {JobId} for poll {PollId} started ({Requests} requests coalesced)")]
    public static partial void JobStarted(ILogger logger, Guid jobId, string pollId, int requests);

    [LoggerMessage(2, LogLevel.Information, "Job {JobId} for poll {PollId} succeeded in {Milliseconds} ms: {Groups} groups, version {Version}")]
    public static partial void JobSucceeded(ILogger logger, Guid jobId, string pollId, long milliseconds, int groups, int version);

    [LoggerMessage(3, LogLevel.Information, "Job {JobId} for poll {PollId} skipped: {Reason}")]
    public static partial void JobSkipped(ILogger logger, Guid jobId, string pollId, string reason);

    [LoggerMessage(4, LogLevel.Error, "Job {JobId} for poll {PollId} failed: {Reason}")]
    public static partial void JobFailed(ILogger logger, Exception exception, Guid jobId, string pollId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Could not record the failure of job {JobId} in the store")]
    public static partial void FailureNotRecorded(ILogger logger, Exception exception, Guid jobId);

    [LoggerMessage(6, LogLevel.Warning, "Sweep for polls needing clustering failed; retrying at the next interval")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Sweep queued {Count} polls with votes newer than their result")]
    public static partial void SweepQueued(ILogger logger, int count);

    [LoggerMessage(8, LogLevel.Information, "Storage: {Store}; {Workers} workers; queue limit {QueueLimit}")]
    public static partial void Started(ILogger logger, string store, int workers, int queueLimit);

    [LoggerMessage(9, LogLevel.Warning, "Queue full ({Limit}); a request for poll {PollId} was refused")]
    public static partial void QueueFull(ILogger logger, int limit, string pollId);
}
