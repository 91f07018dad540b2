namespace PolisClustering.Api.Dapr;

/// <summary>The log lines of Dapr mode (event ids 100 and up; Telemetry/Log.cs has the others).</summary>
internal static partial class DaprLog
{
    [LoggerMessage(100, LogLevel.Information, "Dapr mode: pub/sub {PubSub}, topics {Topics} (priority by {PriorityMode}), state store {StateStore}, bindings {QueueBinding} and {SweepBinding}")]
    public static partial void Started(ILogger logger, string pubSub, string topics, DaprPriorityMode priorityMode, string stateStore, string queueBinding, string sweepBinding);

    [LoggerMessage(101, LogLevel.Warning, "Dropped event {EventId} to the dead-letter topic: {Reason}")]
    public static partial void EventDropped(ILogger logger, string eventId, string reason);

    [LoggerMessage(102, LogLevel.Information, "Event {EventId} for job {JobId} acknowledged without a run: {Reason}")]
    public static partial void EventDuplicate(ILogger logger, string eventId, Guid jobId, string reason);

    [LoggerMessage(103, LogLevel.Warning, "Event for job {JobId} asked for redelivery: the local queue holds its limit of {Limit} jobs")]
    public static partial void EventRetry(ILogger logger, Guid jobId, int limit);

    [LoggerMessage(104, LogLevel.Debug, "ETag conflict saving job {JobId} (attempt {Attempt}); re-reading")]
    public static partial void JobConflict(ILogger logger, Guid jobId, int attempt);

    [LoggerMessage(105, LogLevel.Warning, "Job {JobId} still conflicted after {Attempts} attempts; keeping the stored record")]
    public static partial void JobConflictGaveUp(ILogger logger, Guid jobId, int attempts);

    [LoggerMessage(106, LogLevel.Debug, "Job {JobId} waits: poll {PollId} is leased to job {Holder} until {ExpiresAt}")]
    public static partial void LeaseHeld(ILogger logger, Guid jobId, string pollId, Guid holder, DateTimeOffset expiresAt);

    [LoggerMessage(107, LogLevel.Warning, "The lease of poll {PollId} for job {JobId} could not be renewed")]
    public static partial void LeaseLost(ILogger logger, Exception? exception, string pollId, Guid jobId);

    [LoggerMessage(108, LogLevel.Error, "Job {JobId} for poll {PollId} could not be run (attempt {Attempt}); retrying in {Delay}")]
    public static partial void WorkerError(ILogger logger, Exception exception, Guid jobId, string pollId, int attempt, TimeSpan delay);

    [LoggerMessage(109, LogLevel.Error, "Publishing job {JobId} for poll {PollId} failed; the actor retries in {Delay}")]
    public static partial void PublishFailed(ILogger logger, Exception exception, Guid jobId, string pollId, TimeSpan delay);

    [LoggerMessage(110, LogLevel.Debug, "Reminder for poll {PollId} ignored: {Reason}")]
    public static partial void ReminderIgnored(ILogger logger, string pollId, string reason);

    [LoggerMessage(111, LogLevel.Information, "Job {JobId} for poll {PollId} published to {Topic} ({Requests} requests coalesced)")]
    public static partial void JobPublished(ILogger logger, Guid jobId, string pollId, string topic, int requests);

    [LoggerMessage(112, LogLevel.Warning, "Job {JobId} for poll {PollId} was lost (no live lease {Seconds:F0} s after it was published); its follow-up goes ahead")]
    public static partial void JobLost(ILogger logger, Guid jobId, string pollId, double seconds);

    [LoggerMessage(113, LogLevel.Warning, "Dropped a message from binding {Binding}: {Reason}")]
    public static partial void BindingDropped(ILogger logger, string binding, string reason);

    [LoggerMessage(114, LogLevel.Warning, "Could not tell the actor of poll {PollId} that job {JobId} finished; it rechecks on its own")]
    public static partial void FinishNotFiled(ILogger logger, Exception exception, string pollId, Guid jobId);

    [LoggerMessage(115, LogLevel.Warning, "Job {JobId} for poll {PollId} gave up after {Attempts} attempts; the sweep queues the poll again")]
    public static partial void WorkerGaveUp(ILogger logger, Guid jobId, string pollId, int attempts);
}
