namespace PolisClustering.Api.Persistence;

/// <summary>What a job reports of its result: k, group sizes and the counts the seed app shows.</summary>
public sealed record ResultSummary(
    int Version,
    int K,
    IReadOnlyList<int> GroupSizes,
    int Participants,
    int Votes,
    int ConsensusPoints,
    string? NoGroupsReason);
