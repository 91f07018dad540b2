using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PolisClustering.Api.Hosting;
using PolisClustering.Api.Jobs;
using PolisClustering.Engine.Model;
using PolisClustering.Engine.Output;

namespace PolisClustering.Api.Persistence;

/// <summary>
/// The embedded default: polls sent inline, their results and engine state, all in memory. Also serves inline polls
/// when a database is configured, since those polls have no rows there.
/// </summary>
public sealed class InMemoryClusteringStore(TimeProvider clock, IOptions<ClusteringOptions> options) : IClusteringStore
{
    private readonly ConcurrentDictionary<string, PollData> _polls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (StoredResult Result, StoredState State)> _results = new(StringComparer.Ordinal);

    // Insertion order, for forgetting the oldest polls once more than RetainedPolls are held.
    private readonly ConcurrentQueue<string> _arrivals = new();

    public string Name => "memory";

    /// <summary>Stores (replaces) a poll's full vote set, as sent inline; true when the poll is new.</summary>
    public bool PutPoll(PollData poll)
    {
        var added = _polls.TryAdd(poll.PollId, poll);
        if (!added)
        {
            _polls[poll.PollId] = poll;
            return false;
        }

        _arrivals.Enqueue(poll.PollId);
        while (_polls.Count > options.Value.RetainedPolls && _arrivals.TryDequeue(out var oldest))
        {
            _polls.TryRemove(oldest, out _);
            _results.TryRemove(oldest, out _);
        }

        return true;
    }

    /// <summary>Forgets a poll that was put but never queued (its request was refused).</summary>
    public void RemovePoll(string pollId)
    {
        if (!_results.ContainsKey(pollId))
        {
            _polls.TryRemove(pollId, out _);
        }
    }

    public bool HasPoll(string pollId) => _polls.ContainsKey(pollId);

    public Task<bool> PollExistsAsync(string pollId, CancellationToken ct) => Task.FromResult(_polls.ContainsKey(pollId));

    public Task<PollData?> LoadPollAsync(string pollId, CancellationToken ct) => Task.FromResult(_polls.GetValueOrDefault(pollId));

    public Task<StoredState?> GetStateAsync(string pollId, CancellationToken ct) =>
        Task.FromResult(_results.TryGetValue(pollId, out var r) ? r.State : null);

    public Task<StoredResult?> GetLatestResultAsync(string pollId, CancellationToken ct) =>
        Task.FromResult(_results.TryGetValue(pollId, out var r) ? r.Result : null);

    public Task JobQueuedAsync(ClusterJob job, CancellationToken ct) => Task.CompletedTask;

    public Task JobStartedAsync(ClusterJob job, CancellationToken ct) => Task.CompletedTask;

    public Task<ResultSummary> SaveResultAsync(ClusterJob job, PollData poll, ClusteringResult result, CancellationToken ct)
    {
        var version = (_results.TryGetValue(poll.PollId, out var previous) ? previous.Result.Version : 0) + 1;
        var summary = Summaries.Of(version, result, result.ConsensusAgree.Count);
        using var json = new MemoryStream();
        PolisMathJson.Write(result, json);
        var stored = new StoredResult(poll.PollId, version, job.Id, clock.GetUtcNow(), summary,
            System.Text.Encoding.UTF8.GetString(json.ToArray()));
        _results[poll.PollId] = (stored, new StoredState(version, result.NextState, poll.Watermark));
        return Task.FromResult(summary);
    }

    public Task JobFailedAsync(ClusterJob job, string reason, CancellationToken ct) => Task.CompletedTask;

    public Task JobSkippedAsync(ClusterJob job, string reason, CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> FindPollsNeedingClusteringAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>([.. _polls.Values
            .Where(p => !_results.TryGetValue(p.PollId, out var r) || r.State.Watermark != p.Watermark)
            .Select(p => p.PollId)]);

    public Task CheckHealthAsync(CancellationToken ct) => Task.CompletedTask;
}
