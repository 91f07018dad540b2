namespace PolisClustering.Engine.Model;

/// <summary>One vote event in the export convention (agree = +1, disagree = -1, pass = 0), time in ms.</summary>
public readonly record struct VoteEvent(string ParticipantId, string StatementId, int Vote, long Timestamp);
