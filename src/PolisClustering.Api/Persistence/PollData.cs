using PolisClustering.Engine.Model;

namespace PolisClustering.Api.Persistence;

/// <summary>One poll as the engine needs it: votes and statements, the poll's settings, and its vote watermark.</summary>
/// <param name="Identities">
/// For the seed schema, the vote columns each participant key came from (a user id or a guest session id), so that
/// memberships copy them back exactly. Empty where the source has no such distinction.
/// </param>
public sealed record PollData(
    string PollId,
    ConversationInput Input,
    PollSettings Settings,
    VoteWatermark Watermark,
    IReadOnlyDictionary<string, ParticipantIdentity> Identities);

/// <summary>Who a participant key stands for in the seed app: a signed-in user or a guest session.</summary>
public sealed record ParticipantIdentity(Guid? UserId, string? SessionId);

/// <summary>
/// Identifies the vote set a result was computed from: equal watermarks mean nothing to recompute. Fingerprint is an
/// order-independent hash of the latest vote per pair, so edits and deletions change it too.
/// </summary>
public sealed record VoteWatermark(long VoteRows, DateTimeOffset? LatestVoteAt, long Fingerprint);

/// <summary>
/// Per-poll clustering settings (the seed app's polis_polls columns and clustering_algorithm_config), with the
/// documented defaults 2/5/3/50/50/1 and 0.7/2 for anything missing (seed-app-contract.md §6.15).
/// </summary>
public sealed record PollSettings
{
    public int MinGroups { get; init; } = 2;
    public int MaxGroups { get; init; } = 5;
    public int MinParticipants { get; init; } = 3;
    public double MinSupportPct { get; init; } = 50;
    public double MaxOppositionPct { get; init; } = 50;
    public int MinVotesPerGroup { get; init; } = 1;
    public double ConsensusThreshold { get; init; } = 0.7;
    public int MinGroupSize { get; init; } = 2;

    public static PollSettings Default { get; } = new();
}
