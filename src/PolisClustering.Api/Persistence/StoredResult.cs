using PolisClustering.Engine.State;

namespace PolisClustering.Api.Persistence;

/// <summary>A poll's latest result: the Polis-shaped JSON and the summary, with the version it replaced.</summary>
public sealed record StoredResult(
    string PollId,
    int Version,
    Guid JobId,
    DateTimeOffset ComputedAt,
    ResultSummary Summary,
    string PolisJson);

/// <summary>The engine state a poll's next run starts from, and the watermark of the votes it came from.</summary>
public sealed record StoredState(int Version, ConversationState State, VoteWatermark Watermark);
