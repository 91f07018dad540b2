using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Persistence;

/// <summary>Builds the <see cref="ResultSummary"/> a job reports.</summary>
public static class Summaries
{
    public static ResultSummary Of(int version, ClusteringResult result, int consensusPoints) => new(
        version,
        result.Groups.Count,
        [.. result.Groups.Select(g => g.Members.Count)],
        result.ParticipantIds.Count,
        result.UserVoteCounts.Sum(),
        consensusPoints,
        result.Outcome.HasGroups ? null : result.Outcome.Reason);
}
